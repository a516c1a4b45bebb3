import type { PayloadOf } from '../../protocol/index.js';
import { base, type CpContext } from './context.js';
import { startHeartbeats } from './heartbeat.js';

/** Sends the registration; repeated by a timer until central answers (see startRegistering). */
export function register(ctx: CpContext): void {
  if (ctx.registration !== 'registering') return;
  ctx.out.add('cp.register', { ...base(ctx), location: ctx.cfg.location, pricePerKwh: ctx.cfg.pricePerKwh, maxKw: ctx.cfg.maxKw });
  void ctx.out.flush();
}

/** Registers now and again every `retryMs` until acknowledged: central may not be up yet. */
export function startRegistering(ctx: CpContext, retryMs: number): unknown {
  const timer = ctx.clock.setInterval(() => register(ctx), retryMs);
  const { cfg } = ctx;
  ctx.events.emit('registering', `${ctx.id} registering with central (${cfg.location}, ${cfg.pricePerKwh} €/kWh, ${cfg.maxKw} kW)`, { ...cfg });
  register(ctx);
  return timer;
}

/** Central's answer: the first one counts (acks of retried registrations come again). */
export function onAck(ctx: CpContext, p: PayloadOf<'cp.register-ack'>): void {
  if (ctx.registration !== 'registering') return;
  if (p.accepted) {
    // The session key central issued: what this CP seals with from now on, and what central's orders come under.
    if (ctx.keys && p.kid !== undefined) ctx.keys.useSession(p.kid);
    ctx.registration = 'registered';
    ctx.events.emit('registered', `${ctx.id} registered with central`, { instanceId: ctx.cfg.instanceId });
    startHeartbeats(ctx);
    void ctx.hooks.joinCommands();
  } else {
    ctx.registration = 'refused';
    ctx.refusedReason = p.reason ?? 'refused';
    ctx.events.emit('register-refused', `${ctx.id} registration refused: ${ctx.refusedReason}`, { reason: ctx.refusedReason });
  }
  ctx.hooks.answered(ctx.registration);
}
