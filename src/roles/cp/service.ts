import type { PayloadOf } from '../../protocol/index.js';
import type { CpContext } from './context.js';

/**
 * Central's operator put the CP out of service or back. A running supply goes on (central stops
 * it with its own command); new starts are refused while out of service (see rules.ts).
 */
export function onSetService(ctx: CpContext, p: PayloadOf<'cmd.set-service'>): void {
  if (ctx.outOfService === !p.inService) return;
  ctx.outOfService = !p.inService;
  ctx.external?.serviceChanged(p.inService);
  ctx.events.emit(ctx.outOfService ? 'out-of-service' : 'in-service', `${ctx.id} ${ctx.outOfService ? 'put out of service by central' : 'back in service'}`, {});
}
