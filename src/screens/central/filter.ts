import type { CpView } from '../../roles/central/index.js';
import { CP_STATE_STYLE } from '../shared/state-style.js';

/** CPs whose id, location or state (`charging`, `out of service`, `out_of_service`) contain `text`. */
export function filterCps(cps: readonly CpView[], text: string): readonly CpView[] {
  const q = text.trim().toLowerCase();
  if (!q) return cps;
  return cps.filter(
    (cp) =>
      cp.id.toLowerCase().includes(q) ||
      cp.location.toLowerCase().includes(q) ||
      cp.state.toLowerCase().includes(q) ||
      CP_STATE_STYLE[cp.state].word.toLowerCase().includes(q),
  );
}
