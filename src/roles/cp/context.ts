import type { CpKeys } from './trust.js';
import type { Clock } from '../../bus/clock.js';
import type { PayloadOf } from '../../protocol/index.js';
import type { BoundedMap } from '../shared/bounded-set.js';
import type { EventFeed } from '../shared/events.js';
import type { Outbox } from '../shared/outbox.js';
import type { ChargePointEventKind, EndedSupply, ExternalHardware, LocalSupply, Registration } from './types.js';

/** What this process offers, fixed at start (the registration and the meter use it). */
export interface CpConfig {
  location: string;
  pricePerKwh: number;
  maxKw: number;
  speed: number;
  rampMs: number;
  instanceId: string;
}

/** Everything the CP's rules work on; handlers change its state and queue messages on the outboxes. */
export interface CpContext {
  readonly id: string;
  /** With record protection on: the keys this CP seals with; the session one comes with the registration's answer. */
  readonly keys?: CpKeys;
  readonly cfg: CpConfig;
  readonly clock: Clock;
  readonly heartbeatMs: number;
  readonly telemetryMs: number;
  /** Registration, supply records and commands' answers. */
  readonly out: Outbox;
  /**
   * Heartbeats, faults and recoveries, on the bus's pulse lane: a telemetry record waiting for a
   * new partition leader (broker failover) must not hold back the proof that this CP is alive.
   */
  readonly pulse: Outbox;
  readonly events: EventFeed<ChargePointEventKind>;
  /** An external station's hardware (see ChargePointOptions.external); null: the simulated meter. */
  readonly external: ExternalHardware | null;
  /** External: the session central asked to stop, until the station reports its end. */
  stopAsked: string | null;
  registration: Registration;
  refusedReason: string | null;
  faulted: boolean;
  outOfService: boolean;
  supply: LocalSupply | null;
  /** Up to when the open supply's energy has been accrued. */
  accruedTo: number;
  lastSupply: EndedSupply | null;
  /** The final answer for each session ended here: a redelivered command gets the same one. */
  ended: BoundedMap<string, PayloadOf<'supply.ended'>>;
  heartbeatTimer: unknown;
  telemetryTimer: unknown;
  /** What the handlers need from the process around them (subscriptions, the store). */
  hooks: CpHooks;
}

export interface CpHooks {
  /** The snapshot is stale (the store re-reads the context). */
  changed(): void;
  /** Central has answered the registration. */
  answered(registration: Registration): void;
  /** After reset keys: register again, with the credential, until central answers. */
  reRegister(): void;
  /** Accepted: start reading cp-commands. */
  joinCommands(): Promise<void>;
}

/** The fields every message from this CP carries. */
export function base(ctx: CpContext): { cpId: string; instanceId: string } {
  return { cpId: ctx.id, instanceId: ctx.cfg.instanceId };
}

/** Publishes what the handlers queued on `out`, after telling the store. */
export function flush(ctx: CpContext): Promise<void> {
  ctx.hooks.changed();
  return ctx.out.flush();
}
