import type { IntentResult } from '../shared/role.js';
import type { Central } from './central.js';
import { describeForget, nothingToForget, planForget } from './forget.js';
import { leadershipLine, readOnlyRefusal } from './leadership.js';
import { parseOperatorLine, OPERATOR_HELP } from './operator-parser.js';
import type { CentralSnapshot } from './types.js';

/**
 * An operator's stdin session: each line is a command, answered in order. `forget` asks first and
 * acts on a following `yes`; any other line cancels it (and is then run as itself).
 */
export class OperatorSession {
  private pendingForget: string | null = null;

  constructor(private readonly central: Central) {}

  async run(line: string): Promise<IntentResult | null> {
    const pending = this.pendingForget;
    this.pendingForget = null;
    if (pending !== null) {
      if (/^\s*y(es)?\s*$/i.test(line)) return this.central.forget(pending);
      const next = await this.run(line);
      const cancelled = `forget ${pending} cancelled`;
      return next ? { ok: next.ok, text: `${cancelled}\n${next.text}` } : { ok: true, text: cancelled };
    }
    const command = parseOperatorLine(line);
    if (command.kind !== 'forget' || command.confirmed) return runOperatorLine(this.central, line);
    const snapshot = this.central.store.getSnapshot();
    if (snapshot.phase !== 'serving') return readOnlyRefusal(snapshot.leadership.active);
    const plan = planForget(snapshot.cps, command.target);
    const none = nothingToForget(plan);
    if (none) return { ok: false, text: none };
    this.pendingForget = command.target;
    return { ok: true, text: `${describeForget(plan)}\ntype yes to forget, anything else to keep` };
  }
}

/** Runs one stdin line against central and returns the text to print (`forget` needs its `yes`). */
export async function runOperatorLine(central: Central, line: string): Promise<IntentResult | null> {
  const command = parseOperatorLine(line);
  switch (command.kind) {
    case 'empty':
      return null;
    case 'error':
      return { ok: false, text: command.text };
    case 'help':
      return { ok: true, text: OPERATOR_HELP };
    case 'status':
      return { ok: true, text: statusTable(central.store.getSnapshot()) };
    case 'stop':
      return central.stop(command.target);
    case 'resume':
      return central.resume(command.target);
    case 'reset-keys':
      return central.resetKeys(command.target);
    case 'forget':
      if (command.confirmed) return central.forget(command.target);
      return { ok: false, text: `${describeForget(planForget(central.store.getSnapshot().cps, command.target))}\nadd "yes" to forget: forget ${command.target} yes` };
  }
}

/** One line per CP: id, state, location, price, and the supply if any. */
export function statusTable(snapshot: CentralSnapshot): string {
  if (snapshot.cps.length === 0) return `no charge points registered\n${leadershipLine(snapshot)}`;
  return snapshot.cps
    .map((cp) => {
      const supply = cp.supply
        ? `  ${cp.supply.driverId} ${cp.supply.kw.toFixed(1)} kW ${cp.supply.kwh.toFixed(3)} kWh ${cp.supply.eur.toFixed(2)} €`
        : '';
      return `${cp.id.padEnd(10)} ${cp.state.padEnd(14)} ${cp.location.padEnd(16)} ${cp.pricePerKwh} €/kWh${supply}`;
    })
    .concat(totalsLine(snapshot), leadershipLine(snapshot))
    .join('\n');
}

/** The network's totals, the line scripts compare across restarts and replays. */
export function totalsLine({ totals }: CentralSnapshot): string {
  return (
    `totals: ${totals.sessions} sessions, ${totals.kwh.toFixed(3)} kWh, ${totals.eur.toFixed(2)} €; ` +
    `today ${totals.today.sessions} sessions, ${totals.today.kwh.toFixed(3)} kWh, ${totals.today.eur.toFixed(2)} €; ` +
    `${totals.openSupplies} supplies in progress`
  );
}
