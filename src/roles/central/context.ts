import type { Clock } from '../../bus/clock.js';
import type { PayloadOf } from '../../protocol/index.js';
import { BoundedMap } from '../shared/bounded-set.js';
import type { RoleCounters } from '../shared/counters.js';
import type { EventFeed } from '../shared/events.js';
import type { Outbox } from '../shared/outbox.js';
import type { CpTable } from './cp-table.js';
import type { CentralEventKind } from './types.js';
import type { PartitionWatch } from './partition-watch.js';

/** Everything central's rules work on; handlers mutate `table` and queue messages on `out`. */
export interface CentralContext {
  clock: Clock;
  table: CpTable;
  out: Outbox;
  events: EventFeed<CentralEventKind>;
  counters: RoleCounters;
  heartbeatTimeoutMs: number;
  requestTtlMs: number;
  /** Answers already given, by request id: a duplicate request gets the same answer. */
  answers: BoundedMap<string, PayloadOf<'auth.response'>>;
  stopAnswers: BoundedMap<string, PayloadOf<'auth.stop-result'>>;
  /** CPs read back from cp-state at start: when the rebuild happened, to time their return. */
  rebuiltAt: Map<string, number>;
  /**
   * CPs registered and not heard from since: a CP heartbeats only once it has read its
   * acknowledgement, which reaches it when central's transaction commits, so its first heartbeat
   * gets one more timeout.
   */
  awaitingFirstHeartbeat: Map<string, number>;
  /** Last time central re-sent a corrective command to a CP (throttles heartbeat reconciling). */
  lastCorrection: Map<string, number>;
  /**
   * The latest `driver.progress` of each supply, by session id, sent once per applied batch (see
   * central.ts commit): a backlog of readings relays only the newest one per supply.
   */
  pendingProgress: Map<string, PayloadOf<'driver.progress'>>;
  telemetryGaps: number;
  /** Supplies adopted from cp-state, whose next reading sets the telemetry baseline (see term.ts). */
  rebaselined: Set<string>;
  /** Silent CPs central has said it cannot judge yet, with the gist of why (said once per reason). */
  undecided: Map<string, string>;
  /** A second process's registration of a CP left unanswered, by CP id: its instance (said once). */
  waitingRegistrations: Map<string, string>;
  /** Whether each health partition is flowing (central's ticks come back). */
  partitions: PartitionWatch;
  /** The health partition each CP's heartbeats arrive on. */
  heartbeatPartition: Map<string, number>;
  /**
   * When this central's own first tick came back in its current term: from then on it hears the
   * health topic, and a CP's silence means something. Null until then (nothing is judged).
   */
  hearingSince: number | null;
  /**
   * With record protection on: a new session key id for a CP's accepted registration (see
   * protocol/credentials.ts). Undefined: records are not protected.
   */
  issueKid?: (cpId: string) => string;
}

export function newContextMaps() {
  return {
    answers: new BoundedMap<string, PayloadOf<'auth.response'>>(20_000),
    stopAnswers: new BoundedMap<string, PayloadOf<'auth.stop-result'>>(5_000),
    rebuiltAt: new Map<string, number>(),
    awaitingFirstHeartbeat: new Map<string, number>(),
    lastCorrection: new Map<string, number>(),
    undecided: new Map<string, string>(),
    waitingRegistrations: new Map<string, string>(),
    pendingProgress: new Map<string, PayloadOf<'driver.progress'>>(),
    rebaselined: new Set<string>(),
  };
}

export function short(id: string): string {
  return id.slice(0, 8);
}
