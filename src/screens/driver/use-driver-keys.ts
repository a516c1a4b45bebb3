import type { Dispatch } from 'react';
import type { DriverCpView } from '../../roles/driver/index.js';
import type { IntentResult } from '../../roles/shared/role.js';
import { isQuitKey, useKeys } from '../shared/use-keys.js';
import type { DriverRole } from './driver-role.js';
import { stepCursor } from './menu-cursor.js';
import type { DriverUiAction, DriverUiState } from './use-driver-state.js';

export interface DriverKeysArgs {
  driver: DriverRole;
  ui: DriverUiState;
  dispatch: Dispatch<DriverUiAction>;
  cps: readonly DriverCpView[];
  cursorId: string | null;
  /** Why Enter cannot request now (null: it can, at `cursorId`). */
  noRequest: string | null;
  /** Why x cannot stop anything now (null: it can). */
  noStop: string | null;
  /** Quitting: the footer says what it waits for, so other keys stay quiet. */
  quitting: boolean;
  panels: boolean;
  run: (intent: () => Promise<IntentResult>) => void;
  /** Shows why a key did nothing. */
  refuse: (why: string) => void;
  quit: () => void;
}

/** The driver's keys: ↑↓/jk choose, Enter request, x stop, ? help, q quit. */
export function useDriverKeys(a: DriverKeysArgs): void {
  useKeys((input, key) => {
    if (isQuitKey(input, key)) return a.quit();
    if (a.ui.helpOpen) return a.dispatch({ type: 'help', open: false });
    if (!a.panels) return;
    if (input === '?') return a.dispatch({ type: 'help', open: true });
    if (key.upArrow || input === 'k') return a.dispatch({ type: 'cursor', id: stepCursor(a.cps, a.cursorId, -1) });
    if (key.downArrow || input === 'j') return a.dispatch({ type: 'cursor', id: stepCursor(a.cps, a.cursorId, 1) });
    if (a.quitting) return;
    if (key.return) {
      const cpId = a.cursorId;
      if (a.noRequest !== null || cpId === null) return a.refuse(a.noRequest ?? 'no charge point is highlighted');
      return a.run(async () => {
        const answer = await a.driver.request(cpId);
        return answer.granted ? { ok: true, text: `granted at ${cpId}` } : { ok: false, text: `denied at ${cpId}: ${answer.reason}` };
      });
    }
    if (input === 'x') return a.noStop !== null ? a.refuse(a.noStop) : a.run(() => a.driver.stopSupply());
  });
}
