import type { RoleEvent } from '../shared/events.js';
import type { Bus, BusStatus } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { CpRecord, CpState } from '../../protocol/index.js';

export interface CentralOptions {
  bus: Bus;
  clock?: Clock;
  /** Gets every event, from the start on (the same as onEvent after the start). */
  onEvent?: (event: RoleEvent<CentralEventKind>) => void;
  groups: {
    /** Main group, committing: cp-register, auth-request, telemetry, health. `central-group`. */
    main: string;
    /** Non-committing group that re-reads cp-state from the beginning at start. */
    state: string;
  };
  /** A CP with no heartbeat for this long is DISCONNECTED. Default 3000. */
  heartbeatTimeoutMs?: number;
  /** Requests older than this when read are denied `request-expired`. Default 30000. */
  requestTtlMs?: number;
  /** Longest wait for the cp-state rebuild before serving anyway. Default 15000. */
  rebuildTimeoutMs?: number;
  /** Sync markers written to cp-state to find its end (one lands on each partition). Default 32. */
  syncMarkers?: number;
}

/** A CP as central's store shows it: its cp-state record, frozen. */
export type CpView = Readonly<CpRecord>;

export interface CentralTotals {
  byState: Readonly<Record<CpState, number>>;
  openSupplies: number;
  /** Completed sessions, energy and money over every CP (persisted on cp-state). */
  sessions: number;
  kwh: number;
  eur: number;
  /** Sessions that ended today (central's local day), energy and money. */
  today: { sessions: number; kwh: number; eur: number };
}

export interface CentralSnapshot {
  /** `rebuilding` until cp-state has been re-read; then `serving`. */
  phase: 'rebuilding' | 'serving' | 'closed';
  /** Every known CP, sorted by id. A CP's object is reused while it does not change. */
  cps: readonly CpView[];
  totals: Readonly<CentralTotals>;
  bus: BusStatus;
}

export const CENTRAL_EVENT_KINDS = [
  'serving',
  'state-rebuilt',
  'cp-registered',
  'cp-register-refused',
  'cp-reconnected',
  'cp-disconnected',
  'cp-faulted',
  'cp-recovered',
  'cp-stopped',
  'cp-resumed',
  'auth-granted',
  'auth-denied',
  'driver-stop',
  'supply-started',
  'supply-ended',
  'telemetry-gap',
  'orphan-supply',
  'malformed',
  'bus-status',
  'publish-error',
  'handler-error',
] as const;
export type CentralEventKind = (typeof CENTRAL_EVENT_KINDS)[number];
