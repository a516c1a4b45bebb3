import type { IntentResult } from '../shared/role.js';
import { base, type CpContext } from './context.js';
import { endSupply } from './supply.js';

/** A failure at the CP: any supply ends at once, central (and through it the driver) is told. */
export function fault(ctx: CpContext, detail: string): IntentResult {
  if (ctx.faulted) return { ok: false, text: `${ctx.id} is already faulted` };
  ctx.faulted = true;
  endSupply(ctx, 'faulted');
  // On the heartbeats' outbox: a heartbeat taken before the fault must never land after it
  // (two outboxes publish concurrently, and central would read it as a recovery).
  ctx.pulse.add('cp.fault', { ...base(ctx), detail });
  ctx.events.emit('faulted', `${ctx.id} FAULTED: ${detail}`, { detail });
  void ctx.pulse.flush();
  return { ok: true, text: `${ctx.id} faulted` };
}

export function recover(ctx: CpContext): IntentResult {
  if (!ctx.faulted) return { ok: false, text: `${ctx.id} is not faulted` };
  ctx.faulted = false;
  // On the pulse lane for the same reason as the fault: after every heartbeat that said faulted.
  ctx.pulse.add('cp.recover', base(ctx));
  ctx.events.emit('recovered', `${ctx.id} recovered`, {});
  void ctx.pulse.flush();
  return { ok: true, text: `${ctx.id} recovered` };
}
