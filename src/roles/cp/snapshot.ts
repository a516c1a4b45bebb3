import type { BusStatus } from '../../bus/bus.js';
import type { CpContext } from './context.js';
import { factsOf } from './facts.js';
import { cpState } from './rules.js';
import type { ChargePointSnapshot } from './types.js';

/** What the CP's screen and tests read. The open supply is copied: the meter changes it in place. */
export function snapshotOf(ctx: CpContext, bus: BusStatus): ChargePointSnapshot {
  const { cfg } = ctx;
  return {
    id: ctx.id,
    instanceId: cfg.instanceId,
    location: cfg.location,
    pricePerKwh: cfg.pricePerKwh,
    maxKw: cfg.maxKw,
    speed: cfg.speed,
    registration: ctx.registration,
    refusedReason: ctx.refusedReason,
    state: cpState(factsOf(ctx)),
    faulted: ctx.faulted,
    outOfService: ctx.outOfService,
    supply: ctx.supply ? Object.freeze({ ...ctx.supply }) : null,
    lastSupply: ctx.lastSupply,
    bus,
  };
}
