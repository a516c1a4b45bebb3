import type { RoleEvent } from '../shared/events.js';
import type { Bus, BusStatus } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { CentralIdentity, LeaseRole } from '../../bus/leadership.js';
import type { ActiveCentral } from './state-tail.js';
import type { AuditSnapshot } from './audit-log.js';
import type { CentralTrust } from './trust.js';
import type { CpRecord, CpState } from '../../protocol/index.js';

export interface CentralOptions {
  bus: Bus;
  clock?: Clock;
  /** Gets every event, from the start on (the same as onEvent after the start). */
  onEvent?: (event: RoleEvent<CentralEventKind>) => void;
  groups: {
    /** Main group, committing: cp-register, auth-request, telemetry, health. `central-group`. */
    main: string;
    /** Non-committing group of this process that reads cp-state from the beginning, always. */
    state: string;
    /** The election's group: the member holding its lease is the active central. */
    lease: string;
    /**
     * Non-committing group of this process that reads the audit topic for the audit view. Unset:
     * central does not read the trail (headless central writes it only).
     */
    audit?: string;
  };
  /** This central's Kafka principal, for the audit trail; null or unset without kafka.security. */
  principal?: string | null;
  /** Record protection (issue 12, part 2): the registry its keys come from. Unset: records as they are. */
  trust?: CentralTrust;
  /** Who this process is (host, pid) as standbys and the doctor show it. Default: this process. */
  identity?: CentralIdentity;
  /** The config file's name, for messages. */
  configSource?: string;
  /** A dead active central is replaced this long after its last heartbeat. Default 2000. */
  takeoverTimeoutMs?: number;
  /** A CP with no heartbeat for this long is DISCONNECTED. Default 3000. */
  heartbeatTimeoutMs?: number;
  /**
   * Partitions of the health topic. Known, a CP not heard from since a takeover is not judged
   * before central's own ticks come back on every one (its partition may be the one whose leader
   * is moving). Unknown: judged once any partition flows.
   */
  healthPartitions?: number;
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
  /**
   * `rebuilding` until the election's first answer; `standby` (read-only, mirroring cp-state);
   * `taking-over` (elected, catching up with cp-state); `serving` (the active central).
   */
  phase: 'rebuilding' | 'standby' | 'taking-over' | 'serving' | 'closed';
  /** Every known CP, sorted by id. A CP's object is reused while it does not change. */
  cps: readonly CpView[];
  totals: Readonly<CentralTotals>;
  bus: BusStatus;
  leadership: {
    role: LeaseRole;
    self: CentralIdentity;
    /** The active central as last announced on cp-state (this one while it serves). */
    active: ActiveCentral | null;
  };
  /** The audit trail's most recent entries, newest first; null when this central does not read it. */
  audit: AuditSnapshot | null;
}

export const CENTRAL_EVENT_KINDS = [
  'serving',
  'active',
  'standby',
  'stepped-down',
  'state-rebuilt',
  'cp-registered',
  'cp-register-refused',
  'cp-reconnected',
  'cp-disconnected',
  'cp-faulted',
  'cp-recovered',
  'cp-stopped',
  'cp-resumed',
  'cp-forgotten',
  'cp-keys-reset',
  'auth-granted',
  'auth-denied',
  'driver-stop',
  'supply-started',
  'supply-ended',
  'telemetry-gap',
  'health-stalled',
  'cp-undecided',
  'orphan-supply',
  'malformed',
  'bus-status',
  'publish-error',
  'handler-error',
] as const;
export type CentralEventKind = (typeof CENTRAL_EVENT_KINDS)[number];
