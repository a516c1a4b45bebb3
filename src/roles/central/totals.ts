import { CP_STATES, type CpState } from '../../protocol/index.js';
import type { CentralSnapshot, CentralTotals } from './types.js';

/** The network's totals over every CP: by state, open supplies, all-time and today's figures. */
export function totalsOf(cps: CentralSnapshot['cps'], day: string): CentralTotals {
  const today = { sessions: 0, kwh: 0, eur: 0 };
  const byState = Object.fromEntries(CP_STATES.map((s) => [s, 0])) as Record<CpState, number>;
  let openSupplies = 0;
  let sessions = 0;
  let kwh = 0;
  let eur = 0;
  for (const cp of cps) {
    byState[cp.state]++;
    if (cp.supply) openSupplies++;
    sessions += cp.totals.sessions;
    kwh += cp.totals.kwh;
    eur += cp.totals.eur;
    if (cp.today?.day === day) {
      today.sessions += cp.today.sessions;
      today.kwh += cp.today.kwh;
      today.eur += cp.today.eur;
    }
  }
  return {
    byState,
    openSupplies,
    sessions,
    kwh: Math.round(kwh * 1000) / 1000,
    eur: Math.round(eur * 100) / 100,
    today: { sessions: today.sessions, kwh: Math.round(today.kwh * 1000) / 1000, eur: Math.round(today.eur * 100) / 100 },
  };
}
