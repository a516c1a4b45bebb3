import type { CpRecord } from '../../protocol/index.js';
import type { IntentResult } from '../shared/role.js';
import type { CentralContext } from './context.js';

/** What `forget <target>` would do: the CPs it removes, and the matching ones it keeps and why. */
export interface ForgetPlan {
  target: string;
  forget: Readonly<CpRecord>[];
  kept: { id: string; why: string }[];
}

/** `CP001` names one CP; `DEMO-*` (a `*` anywhere) every CP whose id fits. */
export function targetMatcher(target: string): (id: string) => boolean {
  if (!target.includes('*')) return (id) => id === target;
  const pattern = new RegExp(`^${target.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (id) => pattern.test(id);
}

/**
 * The rule: only a CP that is gone can be forgotten. A connected one would be back on every
 * screen at its next heartbeat, and one with an open supply still owes its driver a ticket.
 */
export function planForget(cps: Iterable<Readonly<CpRecord>>, target: string): ForgetPlan {
  const matches = targetMatcher(target);
  const plan: ForgetPlan = { target, forget: [], kept: [] };
  for (const cp of cps) {
    if (!matches(cp.id)) continue;
    if (cp.state !== 'DISCONNECTED') plan.kept.push({ id: cp.id, why: `${cp.state}: only a DISCONNECTED charge point can be forgotten` });
    else if (cp.supply) plan.kept.push({ id: cp.id, why: 'a supply is still open (its ticket is due)' });
    else plan.forget.push(cp);
  }
  return plan;
}

function listIds(ids: string[]): string {
  return ids.length <= 6 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}

function keptText(plan: ForgetPlan): string {
  if (plan.kept.length === 0) return '';
  if (plan.kept.length === 1) return `${plan.kept[0]!.id} stays (${plan.kept[0]!.why})`;
  return `${plan.kept.length} stay (${listIds(plan.kept.map((k) => k.id))}: not DISCONNECTED, or a supply is open)`;
}

/** Null when the plan can go ahead; otherwise why nothing would be forgotten. */
export function nothingToForget(plan: ForgetPlan): string | null {
  if (plan.forget.length > 0) return null;
  if (plan.kept.length === 0) return `no charge point matches ${plan.target}`;
  return `nothing to forget: ${keptText(plan)}`;
}

/** The question asked before forgetting: what goes, with its figures, and what stays. */
export function describeForget(plan: ForgetPlan): string {
  const none = nothingToForget(plan);
  if (none) return none;
  const sessions = plan.forget.reduce((n, cp) => n + cp.totals.sessions, 0);
  const kwh = plan.forget.reduce((n, cp) => n + cp.totals.kwh, 0);
  const eur = plan.forget.reduce((n, cp) => n + cp.totals.eur, 0);
  const what = plan.forget.length === 1 ? plan.forget[0]!.id : `${plan.forget.length} charge points (${listIds(plan.forget.map((cp) => cp.id))})`;
  const figures = sessions > 0 ? `, with ${sessions} session${sessions === 1 ? '' : 's'} · ${kwh.toFixed(3)} kWh · ${eur.toFixed(2)} €` : '';
  const kept = keptText(plan);
  return `forget ${what}${figures}? It leaves every screen, cp-state and the totals.${kept ? ` ${kept}.` : ''}`;
}

/** Forgets what the plan allows now, on the active central: tombstones go out with its next commit. */
export function forgetCps(ctx: CentralContext, target: string): IntentResult {
  const plan = planForget(ctx.table.all(), target);
  const none = nothingToForget(plan);
  if (none) return { ok: false, text: none };
  const ids = plan.forget.map((cp) => cp.id);
  for (const id of ids) {
    ctx.table.remove(id);
    for (const map of [ctx.rebuiltAt, ctx.awaitingFirstHeartbeat, ctx.lastCorrection, ctx.undecided, ctx.waitingRegistrations, ctx.heartbeatPartition]) map.delete(id);
    ctx.out.addRecord({ topic: 'cp-state', key: id, value: null });
    ctx.events.emit('cp-forgotten', `${id} forgotten by the operator (removed from cp-state)`, { cpId: id });
  }
  const kept = keptText(plan);
  return { ok: true, text: `forgot ${ids.length === 1 ? ids[0] : `${ids.length} charge points: ${listIds(ids)}`}${kept ? `; ${kept}` : ''}` };
}
