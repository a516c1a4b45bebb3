import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { RPCServer } from 'ocpp-rpc';
import { systemClock } from '../bus/clock.js';
import { SharedSubscriptionBus } from '../bus/shared-subscription-bus.js';
import { normalisePath } from '../config/ocpp-config.js';
import { startChargePoint, type ChargePoint, type ChargePointEventKind } from '../roles/cp/index.js';
import { EventFeed, type RoleEvent } from '../roles/shared/events.js';
import type { PasswordCheck } from './authorization-keys.js';
import { DriverLink } from './driver-link.js';
import { ocpp16ErrorCode, toOcpp16Frame } from './error-codes.js';
import { stationIdProblem } from './mapping.js';
import { Station } from './station.js';
import { stationInstanceId } from './station-instance.js';
import { TransactionLog } from './transaction-log.js';
import type { GatewayEventKind, GatewayOptions, OcppLink } from './types.js';

export const OCPP_SUBPROTOCOL = 'ocpp1.6';

export interface Gateway {
  /** The address it listens on (the port the OS gave, with port 0). */
  readonly host: string;
  readonly port: number;
  /** ws://host:port/path/ */
  readonly url: string;
  stations(): string[];
  close(): Promise<void>;
}

/** The methods of ocpp-rpc's RPCServerClient the gateway uses (its typings make every option required). */
interface RpcClient {
  identity: string;
  handle(method: string, handler: (call: { params: unknown }) => unknown): void;
  call(method: string, params: unknown): Promise<unknown>;
  close(options?: { code?: number; reason?: string; force?: boolean; awaitPending?: boolean }): Promise<unknown>;
  sendRaw(message: string): void;
  on(event: string, listener: (...args: any[]) => void): void;
}

/** Frames larger than this close the station's connection (1009): no OCPP 1.6 message comes near it. */
const MAX_FRAME_BYTES = 1024 * 1024;

/** Why a station's HTTP Basic login was refused (401), for the gateway's event. */
const LOGIN_REFUSED: Record<Exclude<PasswordCheck, 'ok'>, string> = {
  'no-password': 'no password (HTTP Basic, security profile {p}): configure the station with its AuthorizationKey (evcharge registry ocpp-key cp <id>)',
  'unknown-station': 'not in the authorization keys file: add it to the registry (evcharge registry add cp <id>) and write the file again (evcharge registry ocpp-keys)',
  'wrong-password': 'wrong password (its AuthorizationKey does not match the registry)',
};

/** Bad frames reported per station: the first, then every 100th (a flood stays one line a hundred). */
const BAD_MESSAGE_REPORT_EVERY = 100;

/**
 * The OCPP 1.6J gateway: a WebSocket server (ocpp-rpc, strict validation against the official
 * 1.6 schemas) where each station connected at <path>/<station id> becomes an evcharge CP on
 * the bus, the CP role's rules unchanged and the station as its hardware (station.ts).
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const events = new EventFeed<GatewayEventKind | ChargePointEventKind>(Date.now);
  events.on(options.onEvent);
  const emit = (kind: GatewayEventKind, text: string, data: Record<string, unknown> = {}) => events.emit(kind, text, data);
  const shared = new SharedSubscriptionBus(options.bus, {
    group: options.group,
    commit: false,
    routedTopics: ['cp-register-ack', 'cp-commands', 'auth-response'],
  });
  // Unique among gateways: whose record is whose decides which gateway holds a station.
  const gatewayName = `${options.name ?? `${hostname()} pid ${process.pid}`} #${randomBytes(2).toString('hex')}`;
  const transactions = new TransactionLog({
    bus: options.bus,
    group: `${options.group}-transactions`,
    gateway: gatewayName,
    clock: systemClock,
    ...(options.transactionsEnd && { ends: options.transactionsEnd }),
    onMalformed: (r, reason) => emit('bad-message', `ocpp-transactions record ${r.partition}/${r.offset} skipped: ${reason}`, { topic: r.topic, partition: r.partition, offset: r.offset, reason }),
    onPublishError: (e, attempt) => emit('call-failed', `writing a station's transaction failed (attempt ${attempt}): ${(e as Error).message}`, { error: (e as Error).message, attempt }),
  });
  // Every open transaction is known before the first station connects.
  await transactions.start();
  await shared.start();
  const driver = new DriverLink(shared, options.answerTimeoutMs);
  const stations = new Map<string, { station: Station; client: RpcClient }>();
  // Stations whose socket closed mid-transaction: their CP goes on (heartbeats, the transaction
  // open) for the grace, so a station that reconnects, here or to another gateway, goes on charging.
  const away = new Map<string, { station: Station; timer: NodeJS.Timeout }>();
  const graceMs = options.offlineGraceMs ?? 30_000;
  const release = (id: string, why: string, to?: string) => {
    const a = away.get(id);
    if (!a) return;
    away.delete(id);
    clearTimeout(a.timer);
    emit('station-disconnected', `${id} ${to ? `moved to the gateway ${to}` : why}: its CP stops here`, { cpId: id, reason: why, ...(to && { to }) });
    void a.station.close();
  };
  // Another gateway wrote the station's transaction after this one did: the station talks to it now.
  transactions.onElsewhere((id, other) => {
    release(id, 'moved', other);
    const here = stations.get(id);
    if (!here) return;
    stations.delete(id);
    emit('station-disconnected', `${id} moved to the gateway ${other}: closing its stale connection here`, { cpId: id, reason: 'moved', to: other });
    void here.client.close({ code: 1001, reason: 'the station is connected to another gateway', force: true }).catch(() => {});
    void here.station.close();
  });
  // Where station ids go: `/ocpp/`, or `/` for the root path.
  const base = normalisePath(options.path) === '/' ? '/' : `${normalisePath(options.path)}/`;
  // Unique per station on every gateway: above the station's last id, whoever gave it.
  let transactionCounter = Math.floor(Date.now() / 1000) % 1_000_000_000;

  const { passwords = null, tls = null } = options.security ?? {};
  const profile = tls ? 2 : passwords ? 1 : 0;
  let keysProblem: string | null = null;
  let closing = false;
  /**
   * Reads the keys file again if it changed: a station no longer in it (revoked) loses its
   * connection now, not at its next login. At each login, and every 2 s.
   */
  const followKeys = () => {
    if (!passwords) return;
    const changed = passwords.refresh();
    if (passwords.problem !== null && passwords.problem !== keysProblem) {
      emit('call-failed', `authorization keys file: ${passwords.problem}; the keys read before stay in force`, { error: passwords.problem });
    }
    keysProblem = passwords.problem;
    if (!changed) return;
    for (const [id, { client }] of stations) {
      if (passwords.knows(id)) continue;
      emit('station-refused', `${id} is no longer in the authorization keys file (revoked): closing its connection`, { cpId: id, identity: id, code: 1008, reason: 'revoked: no longer in the authorization keys file' });
      void client.close({ code: 1008, reason: 'no longer authorized' }).catch(() => {});
    }
  };
  const keysTimer = passwords ? setInterval(followKeys, 2000) : null;
  keysTimer?.unref();

  const server = new RPCServer({
    protocols: [OCPP_SUBPROTOCOL],
    strictMode: true,
    callTimeoutMs: 30_000,
    // A dead TCP connection (a station that lost power) is noticed within two pings.
    pingIntervalMs: 10_000,
    // The largest 1.6 message (a MeterValues with many samples) is a few KiB; ws allows 100 MiB by default.
    wssOptions: { maxPayload: MAX_FRAME_BYTES },
  });
  server.auth((accept, reject, handshake) => {
    const refuse = (code: number, why: string) => {
      emit('station-refused', `refused a connection from ${handshake.remoteAddress ?? '?'} to ${handshake.endpoint}/${handshake.identity}: ${why}`, {
        identity: handshake.identity,
        endpoint: handshake.endpoint,
        code,
        reason: why,
      });
      reject(code, why);
    };
    if (normalisePath(handshake.endpoint) !== normalisePath(options.path)) return refuse(404, `no OCPP endpoint at ${handshake.endpoint}; stations connect to ${base}<station id>`);
    const problem = stationIdProblem(handshake.identity);
    if (problem) return refuse(400, `station id: ${problem}`);
    if (!handshake.protocols.has(OCPP_SUBPROTOCOL)) {
      return refuse(400, `subprotocol ${OCPP_SUBPROTOCOL} is required (offered: ${[...handshake.protocols].join(', ') || 'none'})`);
    }
    if (passwords) {
      followKeys();
      const verdict = passwords.check(handshake.identity, handshake.password as Buffer | undefined);
      if (verdict !== 'ok') return refuse(401, LOGIN_REFUSED[verdict].replace('{p}', String(profile)));
    }
    accept({}, OCPP_SUBPROTOCOL);
  });

  server.on('client', (raw: unknown) => {
    const client = raw as RpcClient;
    const id = client.identity;
    // Workaround: ocpp-rpc 2.2.1 answers 1.6 stations with OCPP 2.x error codes (see error-codes.ts).
    const sendRaw = client.sendRaw.bind(client);
    client.sendRaw = (message: string) => sendRaw(toOcpp16Frame(message));
    release(id, 'connected again');
    const previous = stations.get(id);
    if (previous) {
      emit('station-disconnected', `${id} connected again: closing its previous connection`, { cpId: id, reason: 'replaced' });
      stations.delete(id);
      void previous.client.close({ code: 1000, reason: 'replaced by a new connection', force: true }).catch(() => {});
      void previous.station.close();
    }
    // Malformed frames and schema failures alike: counted, the first and every 100th reported.
    let bad = 0;
    const reportBad = (text: string, data: Record<string, unknown>) => {
      bad++;
      if (bad === 1 || bad % BAD_MESSAGE_REPORT_EVERY === 0) emit('bad-message', `${id} ${text} (${bad} bad so far)`, { cpId: id, count: bad, ...data });
    };
    client.on('badMessage', (e: { error?: Error; response?: unknown[] | null }) => {
      const code = Array.isArray(e.response) && typeof e.response[2] === 'string' ? ocpp16ErrorCode(e.response[2]) : null;
      reportBad(`sent a malformed frame: ${e.error?.message ?? 'unreadable'}`, { answered: code });
    });
    client.on('strictValidationFailure', (e: { method?: string; error?: { rpcErrorCode?: string; message?: string }; outbound?: boolean; isCall?: boolean }) => {
      if (e.outbound) return;
      const code = e.error?.rpcErrorCode === undefined ? null : ocpp16ErrorCode(e.error.rpcErrorCode);
      reportBad(`${e.isCall === false ? 'answered' : 'sent'} ${e.method ?? '?'} failing the OCPP 1.6 schema: ${e.error?.message ?? ''}`, { action: e.method ?? null, answered: e.isCall === false ? null : code });
    });
    const link: OcppLink = {
      identity: id,
      handle: (action, handler) => client.handle(action, ({ params }) => handler(params)),
      call: (action, params) => client.call(action, params),
    };
    // The same CP process on every gateway: central takes a reconnection anywhere as a retry.
    const instanceId = stationInstanceId(id);
    const settings = options.settings(id);
    const station = new Station({
      link,
      settings,
      heartbeatIntervalS: options.heartbeatIntervalS,
      bootWaitMs: options.bootWaitMs ?? 10_000,
      connectionTimeoutMs: options.connectionTimeoutMs,
      clock: systemClock,
      driver,
      events,
      nextTransactionId: () => (transactionCounter = Math.max(transactionCounter + 1, transactions.lastTransactionId(id) + 1)),
      transactions,
      takeoverWaitMs: options.takeoverWaitMs ?? 3_000,
      refused: (reason) => {
        // Central takes its next connection once the other process with its id is gone.
        emit('station-refused', `${id} refused by central: ${reason}; closing its connection`, { cpId: id, identity: id, code: 1008, reason });
        setImmediate(() => void client.close({ code: 1008, reason: 'registration refused by central', awaitPending: true }).catch(() => {}));
      },
      startCp: (external): Promise<ChargePoint> =>
        startChargePoint({
          bus: shared.view(id),
          id,
          instanceId,
          groups: { main: options.cpGroup(id) },
          location: settings.location,
          pricePerKwh: settings.pricePerKwh,
          maxKw: settings.maxKw,
          external,
          // The CP's own events, with the station they belong to.
          onEvent: (e: RoleEvent<ChargePointEventKind>) => events.emit(e.kind, e.text, { cpId: id, ...e.data }),
        }),
    });
    stations.set(id, { station, client });
    emit('station-connected', `${id} connected from ${(client as unknown as { handshake?: { remoteAddress?: string } }).handshake?.remoteAddress ?? '?'}`, { cpId: id });
    client.on('close', (e: { code?: number; reason?: string }) => {
      if (stations.get(id)?.client !== client) return;
      stations.delete(id);
      const how = `${e.code ?? '?'}${e.reason ? ` ${e.reason}` : ''}`;
      if (station.hasOpenTransaction() && graceMs > 0 && !closing) {
        emit('station-away', `${id} disconnected (${how}) mid-transaction: its transaction stays open ${graceMs / 1000} s for it to reconnect, here or to another gateway`, { cpId: id, code: e.code ?? null, reason: e.reason ?? '', graceMs });
        away.set(id, { station, timer: setTimeout(() => release(id, `did not reconnect within ${graceMs / 1000} s`), graceMs) });
        return;
      }
      emit('station-disconnected', `${id} disconnected (${how})`, { cpId: id, code: e.code ?? null, reason: e.reason ?? '' });
      void station.close();
    });
  });
  server.on('error', (e: Error) => emit('call-failed', `OCPP server error: ${e.message}`, { error: e.message }));

  // Our own HTTP server rather than ocpp-rpc's listen(): in 2.2.1 a port already taken never
  // rejects its promise, and the server's unhandled 'error' event ends the process with a stack.
  const notFound = (_req: unknown, res: { statusCode: number; end(): void }) => {
    res.statusCode = 404;
    res.end();
  };
  // Security profile 2: TLS 1.2 at least, as the 1.6 security whitepaper requires.
  const http = tls ? createTlsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, notFound) : createServer(notFound);
  http.on('upgrade', server.handleUpgrade);
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port, options.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    if (keysTimer) clearInterval(keysTimer);
    await shared.close();
    await transactions.close();
    throw e;
  }
  http.on('error', (e: Error) => emit('call-failed', `OCPP listener error: ${e.message}`, { error: e.message }));
  const address = http.address() as AddressInfo;
  const url = `${tls ? 'wss' : 'ws'}://${options.host}:${address.port}${base}`;
  const security = profile === 0 ? 'no station authentication' : profile === 1 ? 'HTTP Basic per station' : 'TLS, HTTP Basic per station';
  emit('listening', `OCPP 1.6J gateway listening at ${url}<station id> (subprotocol ${OCPP_SUBPROTOCOL}; security profile ${profile}: ${security})`, { host: options.host, port: address.port, path: options.path, url, securityProfile: profile });

  return {
    host: options.host,
    port: address.port,
    url,
    stations: () => [...stations.keys()].sort(),
    close: async () => {
      closing = true;
      if (keysTimer) clearInterval(keysTimer);
      for (const id of [...away.keys()]) release(id, 'gateway shutting down');
      await server.close({ code: 1001, reason: 'gateway shutting down', force: true }).catch(() => {});
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await Promise.all([...stations.values()].map(({ station }) => station.close()));
      stations.clear();
      await shared.close();
      await transactions.close();
    },
  };
}
