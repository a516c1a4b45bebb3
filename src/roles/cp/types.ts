import type { HolderTrust } from '../shared/sealed-bus.js';
import type { RoleEvent } from '../shared/events.js';
import type { Bus, BusStatus } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { CpEndReason } from '../../protocol/index.js';

export interface ChargePointOptions {
  bus: Bus;
  /** This CP's Kafka principal, for the audit trail; unset without kafka.security. */
  principal?: string | null;
  /** Record protection (issue 12, part 2): this CP's credential. Unset: records as they are. */
  trust?: HolderTrust;
  clock?: Clock;
  /** Gets every event, from the start on (the same as onEvent after the start). */
  onEvent?: (event: RoleEvent<ChargePointEventKind>) => void;
  groups: {
    /** `cp-{id}-group`: cp-commands, joined once central has accepted the registration. */
    main: string;
    /**
     * Non-committing group of this process alone, reading cp-register-ack. Default
     * `{main}-registration-{instanceId}` (it holds no offsets, so Kafka drops it when empty).
     */
    registration?: string;
  };
  id: string;
  location?: string;
  /** €/kWh. Default 0.35. */
  pricePerKwh?: number;
  /** Default 22. */
  maxKw?: number;
  /** Energy accrues this many times faster than real time. Default 1. */
  speed?: number;
  /** Default 1000. */
  heartbeatMs?: number;
  /** Default 1000. */
  telemetryMs?: number;
  /** How long power takes to ramp from 0 to max, ms. Default 3000. */
  rampMs?: number;
  /** Re-send the registration this often until acknowledged. Default 2000. */
  registerRetryMs?: number;
  /** This process's instance id (default: a new uuid). */
  instanceId?: string;
  /**
   * The CP's hardware is outside this process (an OCPP station behind the gateway): its meter
   * gives the figures (`ChargePoint.reading`), and central's stop and service orders go to it
   * instead of acting here. Unset: the simulated meter of `evcharge cp`.
   */
  external?: ExternalHardware;
}

/** What an external station is told; it answers through `ChargePoint.reading` and `stationEnded`. */
export interface ExternalHardware {
  /** Central started a supply here for this driver (the station is to start it if it did not ask itself). */
  supplyStarted(sessionId: string, driverId: string): void;
  /** Central stopped this session: the station ends it and reports its final meter with `stationEnded`. */
  stopRequested(sessionId: string): void;
  /** Central put the CP out of service (false) or back in service (true). */
  serviceChanged(inService: boolean): void;
}

/**
 * A supply central already has open for this CP, started by another process of it: an OCPP
 * station that moved to another gateway mid-supply. `seqBase` is the first telemetry seq to send,
 * above all the earlier process sent.
 */
export interface ResumedSupply {
  sessionId: string;
  driverId: string;
  startedAt: number;
  seqBase: number;
  /** Central has asked to stop it: the station's end is then a stop (`stopped`), not an unplug. */
  stopAsked?: boolean;
}

/** One reading of an external meter, for the open supply: kW now, kWh since the supply started. */
export interface MeterReading {
  kw: number;
  kwh: number;
}

export type Registration = 'registering' | 'registered' | 'refused';

/** The CP as its meter shows it. `state` mirrors central's names where they apply. */
export type ChargePointState = 'REGISTERING' | 'REFUSED' | 'AVAILABLE' | 'CHARGING' | 'OUT_OF_SERVICE' | 'FAULTED';

export interface LocalSupply {
  sessionId: string;
  driverId: string;
  startedAt: number;
  kw: number;
  kwh: number;
  eur: number;
  /** Sequence number of the last telemetry sent (-1 before the first). */
  seq: number;
  /**
   * `supply.started` has gone to central. An external station's supply is announced when the
   * station starts it (its StartTransaction), not when central's order arrives.
   */
  announced?: boolean;
}

export interface EndedSupply {
  sessionId: string;
  driverId: string;
  startedAt: number;
  endedAt: number;
  kwh: number;
  eur: number;
  reason: CpEndReason;
}

export interface ChargePointSnapshot {
  id: string;
  instanceId: string;
  location: string;
  pricePerKwh: number;
  maxKw: number;
  speed: number;
  registration: Registration;
  refusedReason: string | null;
  state: ChargePointState;
  faulted: boolean;
  outOfService: boolean;
  supply: Readonly<LocalSupply> | null;
  lastSupply: Readonly<EndedSupply> | null;
  bus: BusStatus;
}

export const CP_EVENT_KINDS = [
  'registering',
  'registered',
  'register-refused',
  'supply-started',
  'supply-resumed',
  'telemetry',
  'supply-ended',
  'faulted',
  'recovered',
  'out-of-service',
  'in-service',
  'keys-reset',
  'command-refused',
  'stop-requested',
  'malformed',
  'bus-status',
  'publish-error',
] as const;
export type ChargePointEventKind = (typeof CP_EVENT_KINDS)[number];

/** What a CP charges and can deliver when its flags do not say (shown in `--help`). */
export const CP_DEFAULTS = { location: 'unknown', pricePerKwh: 0.35, maxKw: 22 } as const;
