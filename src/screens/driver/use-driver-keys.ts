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
  /** Enter may request now (nothing pending, no supply, no run going on). */
  canRequest: boolean;
  /** A supply is in progress and not already stopping. */
  canStop: boolean;
  panels: boolean;
  run: (intent: () => Promise<IntentResult>) => void;
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
    if (key.return) {
      const cpId = a.cursorId;
      if (!a.canRequest || cpId === null) return;
      return a.run(async () => {
        const answer = await a.driver.request(cpId);
        return answer.granted ? { ok: true, text: `granted at ${cpId}` } : { ok: false, text: `denied at ${cpId}: ${answer.reason}` };
      });
    }
    if (input === 'x' && a.canStop) return a.run(() => a.driver.stopSupply());
  });
}
