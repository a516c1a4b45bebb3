import type { HolderTrust } from '../shared/sealed-bus.js';
import type { RoleEvent } from '../shared/events.js';
import type { Bus, BusStatus } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { CpState, DenialCode, Ticket } from '../../protocol/index.js';

export interface DriverOptions {
  bus: Bus;
  /** This driver's Kafka principal, for the audit trail; unset without kafka.security. */
  principal?: string | null;
  /** Record protection (issue 12, part 2): this driver's credential. Unset: records as they are. */
  trust?: HolderTrust;
  clock?: Clock;
  /** Gets every event, from the start on (the same as onEvent after the start). */
  onEvent?: (event: RoleEvent<DriverEventKind>) => void;
  groups: {
    /** `driver-{id}-group`: auth-response and driver-updates. */
    main: string;
    /** Non-committing group reading cp-state from the beginning (the CP list). */
    state: string;
  };
  id: string;
  /** How long to wait for central's answer to a request or a stop. Default 10000. */
  answerTimeoutMs?: number;
  /** While waiting, re-send the same request (same id: central answers it once) this often. Default 3000. */
  resendMs?: number;
}

/** What a driver may know about a CP: public information only, never other drivers' supplies. */
export interface DriverCpView {
  id: string;
  location: string;
  pricePerKwh: number;
  maxKw: number;
  state: CpState;
}

/** `timeout`: central did not answer in time; `closed`: the driver was closed while waiting. */
export type RequestFailure = 'timeout' | 'closed';

export type RequestResult =
  | { granted: true; cpId: string; requestId: string; sessionId: string }
  | { granted: false; cpId: string; requestId: string; code: DenialCode | RequestFailure; reason: string };

export interface DriverSupply {
  sessionId: string;
  cpId: string;
  startedAt: number | null;
  pricePerKwh: number | null;
  kw: number;
  kwh: number;
  eur: number;
  seq: number;
  /** A stop has been asked for; the ticket is on its way. */
  stopping: boolean;
}

export interface DriverSnapshot {
  id: string;
  /** Every CP from cp-state, sorted by id. */
  cps: readonly DriverCpView[];
  /** The request waiting for central's answer, if any. */
  pending: Readonly<{ requestId: string; cpId: string; sentAt: number }> | null;
  supply: Readonly<DriverSupply> | null;
  lastAnswer: Readonly<RequestResult> | null;
  /** Tickets received by this run, oldest first. */
  tickets: readonly Ticket[];
  bus: BusStatus;
}

export const DRIVER_EVENT_KINDS = [
  'request-sent',
  'granted',
  'denied',
  'timeout',
  'supply-started',
  'progress',
  'stop-sent',
  'stop-result',
  'ticket',
  'late-grant',
  'malformed',
  'bus-status',
  'publish-error',
] as const;
export type DriverEventKind = (typeof DRIVER_EVENT_KINDS)[number];
