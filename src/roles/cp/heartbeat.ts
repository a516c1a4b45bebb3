import { base, type CpContext } from './context.js';
import { factsOf } from './facts.js';
import { heartbeatStatus } from './rules.js';

/** Tells central this CP is alive and what it is doing; only once central has accepted it. */
export function heartbeat(ctx: CpContext): void {
  if (ctx.registration !== 'registered') return;
  ctx.pulse.add('cp.heartbeat', {
    ...base(ctx),
    status: heartbeatStatus(factsOf(ctx)),
    sessionId: ctx.supply?.sessionId ?? null,
    outOfService: ctx.outOfService,
  });
  void ctx.pulse.flush();
}

/** The first heartbeat goes at once: central is waiting for it to count the CP as heard. */
export function startHeartbeats(ctx: CpContext): void {
  ctx.heartbeatTimer = ctx.clock.setInterval(() => heartbeat(ctx), ctx.heartbeatMs);
  heartbeat(ctx);
}
