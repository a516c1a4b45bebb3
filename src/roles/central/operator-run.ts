import { parseOperatorLine, OPERATOR_HELP } from './operator-parser.js';
import type { Central } from './central.js';
import { leadershipLine } from './leadership.js';
import type { CentralSnapshot } from './types.js';

/** Runs one stdin line against central and returns the text to print. */
export async function runOperatorLine(central: Central, line: string): Promise<{ ok: boolean; text: string } | null> {
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
