import path from 'node:path';
import { z } from 'zod';
import { ID_PATTERN } from '../protocol/ids.js';

/**
 * The `ocpp` section: the OCPP 1.6J gateway (`evcharge ocpp`, issue 14). Every key is optional;
 * `--listen` and `--path` override the first two.
 *
 *   ocpp:
 *     listen: 0.0.0.0:8887          # where stations connect: ws://HOST:PORT/<path>/<station id>
 *     path: /ocpp
 *     heartbeat_interval_s: 60      # told to each station in the BootNotification answer
 *     connection_timeout_s: 60      # an authorized idTag's wait for the station's StartTransaction
 *     offline_grace_s: 30           # a station gone mid-transaction keeps it open this long, to reconnect anywhere
 *     station_defaults: { location: unknown, price_per_kwh: 0.35, max_kw: 22 }
 *     stations:
 *       GARAGE-1: { location: "Garage, bay 1", price_per_kwh: 0.29, max_kw: 11 }
 *     security_profile: 0           # 0 none; 1 HTTP Basic per station; 2 the same over TLS (wss://)
 *     authorization_keys_file: ocpp-keys.json   # profiles 1, 2: `evcharge registry ocpp-keys` writes it
 *     tls: { cert_file: gateway.crt, key_file: gateway.key }   # profile 2 (PEM)
 *
 * Paths are relative to the config file.
 */
export const OCPP_DEFAULTS = { listen: '0.0.0.0:8887', path: '/ocpp', heartbeatIntervalS: 60, connectionTimeoutS: 60, offlineGraceS: 30, location: 'unknown', pricePerKwh: 0.35, maxKw: 22 } as const;

const stationSchema = z
  .object({
    location: z.string().max(200).optional(),
    price_per_kwh: z.number().nonnegative().max(1000).optional(),
    max_kw: z.number().positive().max(10_000).optional(),
  })
  .strict();

export const ocppSchema = z
  .object({
    listen: z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port, e.g. 0.0.0.0:8887').optional(),
    path: z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, 'expected a URL path starting with "/", e.g. /ocpp').optional(),
    heartbeat_interval_s: z.number().int().min(1).max(86_400).optional(),
    connection_timeout_s: z.number().int().min(1).max(3600).optional(),
    offline_grace_s: z.number().int().min(0).max(3600).optional(),
    station_defaults: stationSchema.optional(),
    stations: z
      .record(z.string(), stationSchema)
      // Checked here rather than by the record's key schema, whose failure would not say why.
      .superRefine((stations, ctx) => {
        for (const id of Object.keys(stations)) {
          if (!ID_PATTERN.test(id)) ctx.addIssue({ code: 'custom', path: [id], message: 'a station id is a charge point id: letters, digits, "_" and "-", at most 64' });
        }
      })
      .optional(),
    security_profile: z.union([z.literal(0), z.literal(1), z.literal(2)], { message: 'expected 0 (none), 1 (HTTP Basic) or 2 (HTTP Basic over TLS)' }).optional(),
    authorization_keys_file: z.string().min(1).optional(),
    tls: z.object({ cert_file: z.string().min(1), key_file: z.string().min(1) }).strict().optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const profile = o.security_profile ?? 0;
    const issue = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
    if (profile >= 1 && o.authorization_keys_file === undefined) {
      issue('authorization_keys_file', `security profile ${profile} checks each station's password against this file; write it with \`evcharge registry ocpp-keys\` and name it here`);
    }
    if (profile === 2 && o.tls === undefined) issue('tls', 'security profile 2 is TLS: give tls.cert_file and tls.key_file (PEM)');
    if (profile < 2 && o.tls !== undefined) issue('tls', `TLS is security profile 2 (with HTTP Basic); set security_profile: 2, or remove tls`);
    if (profile === 0 && o.authorization_keys_file !== undefined) issue('authorization_keys_file', 'station passwords are security profiles 1 and 2; set security_profile: 1 or 2, or remove it');
  });

export type OcppFile = z.infer<typeof ocppSchema>;

export interface StationSettings {
  location: string;
  pricePerKwh: number;
  maxKw: number;
}

export interface OcppConfig {
  /** host:port as written; `--listen` overrides it. */
  listen: string;
  /** Normalised: starts with "/", no trailing "/". */
  path: string;
  heartbeatIntervalS: number;
  /** A grant not followed by StartTransaction this long ends at 0 kWh (OCPP's ConnectionTimeOut). */
  connectionTimeoutS: number;
  /** A station whose socket closed mid-transaction keeps its CP and transaction this long (0: none). */
  offlineGraceS: number;
  defaults: StationSettings;
  /** Per-station settings over the defaults, by station id. */
  stations: Record<string, StationSettings>;
  /** OCPP 1.6 security profile: 0 none, 1 HTTP Basic, 2 HTTP Basic over TLS. */
  securityProfile: 0 | 1 | 2;
  /** Profiles 1 and 2: the stations' password verifiers (absolute path). */
  authorizationKeysFile: string | null;
  /** Profile 2: the gateway's certificate and key, PEM (absolute paths). */
  tls: { certFile: string; keyFile: string } | null;
}

export function normalisePath(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** `source`: the config file, which relative paths start from. */
export function resolveOcpp(file: OcppFile | undefined, source: string): OcppConfig {
  const base = path.dirname(source);
  const d = file?.station_defaults;
  const defaults: StationSettings = {
    location: d?.location ?? OCPP_DEFAULTS.location,
    pricePerKwh: d?.price_per_kwh ?? OCPP_DEFAULTS.pricePerKwh,
    maxKw: d?.max_kw ?? OCPP_DEFAULTS.maxKw,
  };
  const stations = Object.fromEntries(
    Object.entries(file?.stations ?? {}).map(([id, s]) => [
      id,
      { location: s.location ?? defaults.location, pricePerKwh: s.price_per_kwh ?? defaults.pricePerKwh, maxKw: s.max_kw ?? defaults.maxKw },
    ]),
  );
  return {
    listen: file?.listen ?? OCPP_DEFAULTS.listen,
    path: normalisePath(file?.path ?? OCPP_DEFAULTS.path),
    heartbeatIntervalS: file?.heartbeat_interval_s ?? OCPP_DEFAULTS.heartbeatIntervalS,
    connectionTimeoutS: file?.connection_timeout_s ?? OCPP_DEFAULTS.connectionTimeoutS,
    offlineGraceS: file?.offline_grace_s ?? OCPP_DEFAULTS.offlineGraceS,
    defaults,
    stations,
    securityProfile: file?.security_profile ?? 0,
    authorizationKeysFile: file?.authorization_keys_file === undefined ? null : path.resolve(base, file.authorization_keys_file),
    tls: file?.tls === undefined ? null : { certFile: path.resolve(base, file.tls.cert_file), keyFile: path.resolve(base, file.tls.key_file) },
  };
}

/** A station's settings: its own section, else the defaults. */
export function stationSettings(config: OcppConfig, stationId: string): StationSettings {
  return Object.hasOwn(config.stations, stationId) ? config.stations[stationId]! : config.defaults;
}
