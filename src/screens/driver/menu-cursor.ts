import type { DriverCpView } from '../../roles/driver/index.js';

export const selectable = (cp: DriverCpView): boolean => cp.state === 'AVAILABLE';

/** The highlighted CP: `cursorId` while it is still available, else the first available one. */
export function effectiveCursor(cps: readonly DriverCpView[], cursorId: string | null): string | null {
  if (cursorId !== null && cps.some((cp) => cp.id === cursorId && selectable(cp))) return cursorId;
  return cps.find(selectable)?.id ?? null;
}

/** The next (or previous) available CP after `from`, skipping the others; stays put at the ends. */
export function stepCursor(cps: readonly DriverCpView[], from: string | null, dir: 1 | -1): string | null {
  const start = from === null ? (dir === 1 ? -1 : cps.length) : cps.findIndex((cp) => cp.id === from);
  for (let i = start + dir; i >= 0 && i < cps.length; i += dir) {
    const cp = cps[i];
    if (cp && selectable(cp)) return cp.id;
  }
  return from;
}
