import type { CpRecord } from '../../protocol/index.js';
import type { IntentResult } from '../shared/role.js';
import type { CentralContext } from './context.js';
import { endSupply } from './supply.js';

/**
 * Operator: reset a CP's keys (issue 12, part 2; "restaurar claves"). Its session key is revoked
 * at once: nothing more under it is accepted, here or by a standby (the key id leaves cp-state).
 * A supply in progress ends now with its ticket, billed at the CP's last reading (the CP can no
 * longer report a later one). The CP shows OUT_OF_SERVICE until it registers again with its
 * credential, which it does by itself when the order reaches it, and gets a new key.
 */
export function resetKeys(ctx: CentralContext, target: string): IntentResult {
  if (!ctx.issueKid) return { ok: false, text: 'records are not protected here (security.records is off): there are no keys to reset' };
  const cps: CpRecord[] = target === 'all' ? [...ctx.table.all()] : [ctx.table.get(target)].filter((c): c is CpRecord => c !== undefined);
  if (cps.length === 0) return { ok: false, text: `unknown charge point ${target}` };
  const now = ctx.clock.now();
  for (const cp of cps) {
    if (cp.supply) endSupply(ctx, cp, 'keys-reset', cp.supply.kwh);
    // Sealed under the CP's credential: its session key is no longer one central seals with.
    delete cp.kid;
    cp.keysResetAt = now;
    ctx.table.touch(cp);
    ctx.out.add('cmd.reset-keys', { cpId: cp.id, instanceId: cp.instanceId });
    ctx.events.emit('cp-keys-reset', `${cp.id} keys reset by central: OUT_OF_SERVICE until it authenticates again`, { cpId: cp.id });
  }
  return { ok: true, text: target === 'all' ? `reset the keys of ${cps.length} charge points` : `${target} keys reset; it re-authenticates by itself` };
}
