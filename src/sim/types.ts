import type { Bus } from '../bus/bus.js';
import type { CentralTrust } from '../roles/central/trust.js';
import type { HolderTrust } from '../roles/shared/sealed-bus.js';
import type { LatencySummary } from './latency.js';
import type { SharedBusStats } from '../bus/shared-subscription-bus.js';

export interface SimulatorOptions {
  /** The real bus (Kafka or embedded); the simulator multiplexes it for its roles. */
  bus: Bus;
  cps: number;
  drivers: number;
  /** Heartbeats and telemetry per CP per second. Default 1. */
  rateHz?: number;
  /** How long the drivers keep requesting, charging and stopping, once every CP is registered. */
  durationMs: number;
  groups: {
    /** The one consumer group of this simulator process. */
    shared: string;
    cp: (id: string) => string;
    driver: (id: string) => string;
  };
  /** Also run a central in this process, on the real bus, with these groups. */
  central?: { main: string; state: string; lease: string; heartbeatTimeoutMs?: number; trust?: CentralTrust } | undefined;
  /**
   * With record protection (security.records sign or encrypt): each player's credential, so it
   * seals what it writes as the real role does. Absent: records travel plain.
   */
  trustOf?: (kind: 'cp' | 'driver', id: string) => HolderTrust;
  /** Ids are `<prefix>CP00001`, `<prefix>D00001`. Default `SIM`. */
  idPrefix?: string;
  /** How long a driver charges before it stops: uniform in [min, max] ms. Default 3000-8000. */
  supplyMs?: [number, number];
  /** Pause between one service and the next, ms. Default 200. */
  pauseMs?: number;
  /** Stop starting services after this many requests in all. */
  maxRequests?: number;
  /** CP energy speed-up. Default 1. */
  speed?: number;
  /** A report every this many ms while running (also one at the end). Default 5000; 0: none. */
  reportEveryMs?: number;
  onReport?: (report: SimReport) => void;
  /** Longest wait for every CP to be registered. Default 60000. */
  registerTimeoutMs?: number;
  /** Longest wait, after the deadline, for running supplies to end with their tickets. Default 20000. */
  drainTimeoutMs?: number;
  /** Aborting it ends the run early (the summary still comes). */
  signal?: AbortSignal;
  /** Random seed for supply lengths. */
  seed?: number;
}

export interface SimReport {
  kind: 'sim-report' | 'sim-summary';
  /** ms since the load started (after registration). */
  elapsedMs: number;
  phase: 'starting' | 'running' | 'draining' | 'done';
  cps: number;
  drivers: number;
  rateHz: number;
  registered: number;
  registerMs: number | null;
  /** CPs supplying right now. */
  supplying: number;
  requests: number;
  granted: number;
  denied: number;
  timeouts: number;
  suppliesCompleted: number;
  suppliesInterrupted: number;
  suppliesFailed: number;
  messagesOut: number;
  messagesIn: number;
  /** Records per second sent by the simulated roles over the last interval. */
  outRate: number;
  inRate: number;
  errors: { malformed: number; publishErrors: number; handlerErrors: number; refusedRegistrations: number; failures: string[] };
  authRoundTripMs: LatencySummary;
  /** Request → `driver.supply-started` at the driver. */
  supplyStartedMs: LatencySummary;
  /** Request → first telemetry (`driver.progress`) at the driver. */
  firstTelemetryMs: LatencySummary;
  bus: SharedBusStats;
}

export interface SimResult {
  summary: SimReport;
}
