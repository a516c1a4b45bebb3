import type { CpRecord } from '../../protocol/index.js';
import type { IntentResult } from '../shared/role.js';
import type { CentralContext } from './context.js';
import { requestStop } from './supply.js';

function targets(ctx: CentralContext, target: string): CpRecord[] | string {
  if (target === 'all') return [...ctx.table.all()];
  const cp = ctx.table.get(target);
  return cp ? [cp] : `unknown charge point ${target}`;
}

/** Operator stop: ends any supply (ticket follows) and keeps the CP OUT_OF_SERVICE. */
export function stopCps(ctx: CentralContext, target: string): IntentResult {
  const cps = targets(ctx, target);
  if (typeof cps === 'string') return { ok: false, text: cps };
  let changed = 0;
  for (const cp of cps) {
    if (cp.supply) requestStop(ctx, cp, 'central-stop');
    ctx.out.add('cmd.set-service', { cpId: cp.id, instanceId: cp.instanceId, inService: false });
    if (cp.outOfService) continue;
    cp.outOfService = true;
    ctx.table.touch(cp);
    changed++;
    ctx.events.emit('cp-stopped', `${cp.id} stopped by central (OUT_OF_SERVICE)`, { cpId: cp.id });
  }
  if (target !== 'all') {
    return { ok: true, text: changed ? `${target} stopped` : `${target} was already out of service` };
  }
  return { ok: true, text: `stopped ${changed} of ${cps.length} charge points` };
}

/** Operator resume: back in service (AVAILABLE unless faulted or disconnected). */
export function resumeCps(ctx: CentralContext, target: string): IntentResult {
  const cps = targets(ctx, target);
  if (typeof cps === 'string') return { ok: false, text: cps };
  let changed = 0;
  for (const cp of cps) {
    ctx.out.add('cmd.set-service', { cpId: cp.id, instanceId: cp.instanceId, inService: true });
    if (!cp.outOfService) continue;
    cp.outOfService = false;
    ctx.table.touch(cp);
    changed++;
    ctx.events.emit('cp-resumed', `${cp.id} resumed by central (${cp.state})`, { cpId: cp.id, state: cp.state });
  }
  if (target !== 'all') {
    return { ok: true, text: changed ? `${target} resumed (${cps[0]!.state})` : `${target} was not stopped` };
  }
  return { ok: true, text: `resumed ${changed} of ${cps.length} charge points` };
}
