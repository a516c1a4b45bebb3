import type { PayloadOf } from '../../protocol/index.js';
import type { CpContext } from './context.js';
import { dropSupply } from './supply.js';

/**
 * Central reset this CP's keys (the order came under the CP's credential, so it is central's):
 * the session key goes, the supply stops (central billed it), heartbeats stop, and the CP
 * registers again with its credential for a new key. Meanwhile central shows it OUT_OF_SERVICE.
 */
export function onResetKeys(ctx: CpContext, _p: PayloadOf<'cmd.reset-keys'>): void {
  if (!ctx.keys || ctx.registration !== 'registered') return;
  ctx.keys.forgetSession();
  dropSupply(ctx, 'keys reset by central (billed at the last reading central had)');
  if (ctx.heartbeatTimer !== null) ctx.clock.clearInterval(ctx.heartbeatTimer);
  ctx.heartbeatTimer = null;
  ctx.registration = 'registering';
  ctx.events.emit('keys-reset', `${ctx.id} keys reset by central: authenticating again with its credential`, {});
  ctx.hooks.reRegister();
}
