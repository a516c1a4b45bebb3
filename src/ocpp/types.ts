import type { Bus } from '../bus/bus.js';
import type { StationSettings } from '../config/ocpp-config.js';
import type { RoleEvent } from '../roles/shared/events.js';
import type { StationPasswords } from './authorization-keys.js';

export const GATEWAY_EVENT_KINDS = [
  'listening',
  'station-connected',
  'station-refused',
  'station-disconnected',
  'station-away',
  'boot',
  'status',
  'authorize',
  'transaction-started',
  'transaction-stopped',
  'transaction-resumed',
  'remote-start',
  'remote-stop',
  'change-availability',
  'call-failed',
  'bad-message',
  'unknown-transaction',
] as const;
export type GatewayEventKind = (typeof GATEWAY_EVENT_KINDS)[number];

/**
 * The station's side of the OCPP connection as the station logic needs it (ocpp-rpc's
 * RPCServerClient behind it, a fake in unit tests).
 */
export interface OcppLink {
  readonly identity: string;
  /** Registers the handler of one action; what it returns is the CALLRESULT, what it throws the CALLERROR. */
  handle(action: string, handler: (params: any) => Promise<Record<string, unknown>> | Record<string, unknown>): void;
  /** A call to the station: its CALLRESULT, or a rejection (CALLERROR, timeout, closed). */
  call(action: string, params: Record<string, unknown>): Promise<unknown>;
}

export interface GatewayOptions {
  /** The gateway's bus (Kafka); its one shared subscription carries every station's records. */
  bus: Bus;
  /** The gateway's consumer group of its own (never committed). */
  group: string;
  /** Each station's CP main group (`cp-{id}-group`). */
  cpGroup: (stationId: string) => string;
  host: string;
  port: number;
  /** `/ocpp`: stations connect at ws://host:port/ocpp/<station id>. */
  path: string;
  heartbeatIntervalS: number;
  /** How long an authorized idTag waits for the station's StartTransaction. */
  connectionTimeoutMs: number;
  settings: (stationId: string) => StationSettings;
  /** How long an Authorize waits for central's answer. */
  answerTimeoutMs: number;
  /** How long a BootNotification waits for central's registration answer before it says Pending. */
  bootWaitMs?: number;
  onEvent: (event: RoleEvent) => void;
  /** This gateway in the transactions it writes; default `<host> pid <pid>`. */
  name?: string;
  /** Where ocpp-transactions ends now: the gateway reads that far before it listens. */
  transactionsEnd?: () => Promise<Map<number, number>>;
  /**
   * A station whose socket closes mid-transaction keeps its CP (heartbeats, the open transaction)
   * this long, for it to reconnect here or to another gateway; default 30 s. 0: gone at once.
   */
  offlineGraceMs?: number;
  /** How long a call naming another gateway's transaction waits for its record; default 3 s. */
  takeoverWaitMs?: number;
  /**
   * OCPP security: station passwords (HTTP Basic, profile 1), and with `tls` the listener is
   * wss:// (profile 2). Absent: profile 0, as plain OCPP-J 1.6.
   */
  security?: { passwords: StationPasswords | null; tls: { cert: Buffer; key: Buffer } | null };
}
