import type { CpState } from '../../protocol/index.js';
import type { DriverCpView, DriverSnapshot } from './types.js';

/** What else holds the driver's keys: a `--cp`/`--file` run makes its own requests. */
export interface RequestGate {
  runActive: boolean;
}

const WHY_NOT: Record<Exclude<CpState, 'AVAILABLE'>, string> = {
  CHARGING: 'in use',
  OUT_OF_SERVICE: 'out of service',
  FAULTED: 'faulted',
  DISCONNECTED: 'disconnected',
};

/**
 * Why a request cannot be made now (null: `cursorId` may be requested). A key that cannot act
 * says this instead of doing nothing, and the session panel shows it instead of "press Enter".
 */
export function whyNoRequest(snap: Pick<DriverSnapshot, 'cps' | 'pending' | 'supply'>, cursorId: string | null, gate: RequestGate): string | null {
  if (gate.runActive) return 'the run makes its own requests; Enter works once it is done';
  if (snap.pending) return `waiting for central's answer about ${snap.pending.cpId}`;
  if (snap.supply) return snap.supply.stopping ? `the supply at ${snap.supply.cpId} is stopping; the ticket follows` : `a supply is in progress at ${snap.supply.cpId} (x stops it)`;
  if (cursorId === null) return noneAvailable(snap.cps);
  return null;
}

/** Why `x` cannot stop anything now (null: it can). */
export function whyNoStop(snap: Pick<DriverSnapshot, 'pending' | 'supply'>): string | null {
  if (snap.supply) return snap.supply.stopping ? `the supply at ${snap.supply.cpId} is already stopping; the ticket follows` : null;
  if (snap.pending) return `no supply yet: waiting for central's answer about ${snap.pending.cpId}`;
  return 'no supply in progress';
}

function noneAvailable(cps: readonly DriverCpView[]): string {
  if (cps.length === 0) return 'no charge points known yet (reading cp-state…)';
  const busy = cps.filter((cp): cp is DriverCpView & { state: keyof typeof WHY_NOT } => cp.state !== 'AVAILABLE');
  // A few are named one by one; more are counted by state, so the line stays short.
  if (busy.length <= 3) return `no charge point is available: ${busy.map((cp) => `${cp.id} is ${WHY_NOT[cp.state]}`).join(', ')}`;
  const counts = new Map<string, number>();
  for (const cp of busy) counts.set(WHY_NOT[cp.state], (counts.get(WHY_NOT[cp.state]) ?? 0) + 1);
  return `no charge point is available (${[...counts].map(([why, n]) => `${n} ${why}`).join(', ')})`;
}
