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
 *     station_defaults: { location: unknown, price_per_kwh: 0.35, max_kw: 22 }
 *     stations:
 *       GARAGE-1: { location: "Garage, bay 1", price_per_kwh: 0.29, max_kw: 11 }
 */
export const OCPP_DEFAULTS = { listen: '0.0.0.0:8887', path: '/ocpp', heartbeatIntervalS: 60, connectionTimeoutS: 60, location: 'unknown', pricePerKwh: 0.35, maxKw: 22 } as const;

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
  })
  .strict();

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
  defaults: StationSettings;
  /** Per-station settings over the defaults, by station id. */
  stations: Record<string, StationSettings>;
}

export function normalisePath(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export function resolveOcpp(file: OcppFile | undefined): OcppConfig {
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
    defaults,
    stations,
  };
}

/** A station's settings: its own section, else the defaults. */
export function stationSettings(config: OcppConfig, stationId: string): StationSettings {
  return Object.hasOwn(config.stations, stationId) ? config.stations[stationId]! : config.defaults;
}
