import type { Key } from 'ink';
import type { Dispatch } from 'react';
import { describeForget, nothingToForget, planForget, readOnlyRefusal } from '../../roles/central/index.js';
import type { IntentResult } from '../../roles/shared/role.js';
import { isQuitKey, useKeys } from '../shared/use-keys.js';
import type { CentralRole } from './central-role.js';
import type { GridShape, Move } from './grid-layout.js';
import type { CentralUiAction, CentralUiState } from './use-central-state.js';

export interface CentralKeysArgs {
  central: CentralRole;
  ui: CentralUiState;
  dispatch: Dispatch<CentralUiAction>;
  /** Ids of the CPs shown (after the filter), in grid order. */
  ids: readonly string[];
  selectedIndex: number;
  shape: GridShape;
  /** False while the terminal is too small: only quitting works. */
  panels: boolean;
  /** The audit view's page (entries per screen) and how far it can scroll. */
  audit: { page: number; max: number };
  run: (intent: () => Promise<IntentResult>) => void;
  cancelled: () => void;
  /** Says why a key did nothing (read-only standby, a CP that cannot be forgotten). */
  refused: (text: string) => void;
  quit: () => void;
}

/** `f`: asks before forgetting the selected CP, or says at once why it cannot be forgotten. */
function forgetAsked(a: CentralKeysArgs, cpId: string): void {
  const snapshot = a.central.store.getSnapshot();
  if (snapshot.phase !== 'serving') return a.refused(readOnlyRefusal(snapshot.leadership.active).text);
  const plan = planForget(snapshot.cps, cpId);
  const none = nothingToForget(plan);
  if (none) return a.refused(none);
  a.dispatch({ type: 'confirm', what: { kind: 'forget', cpId, question: describeForget(plan) } });
}

/** What a confirmed question does. */
function confirmed(central: CentralRole, what: NonNullable<CentralUiState['confirm']>): Promise<IntentResult> {
  switch (what.kind) {
    case 'stop-all':
      return central.stop('all');
    case 'resume-all':
      return central.resume('all');
    case 'forget':
      return central.forget(what.cpId);
    case 'reset-keys':
      return central.resetKeys(what.cpId);
  }
}

function moveOf(input: string, key: Key): Move | null {
  if (key.leftArrow || input === 'h') return 'left';
  if (key.rightArrow || input === 'l') return 'right';
  if (key.upArrow || input === 'k') return 'up';
  if (key.downArrow || input === 'j') return 'down';
  if (key.pageUp) return 'page-up';
  if (key.pageDown) return 'page-down';
  if (key.home) return 'home';
  if (key.end) return 'end';
  return null;
}

/** In the audit view: scrolling, and `a` or Esc back to the charge points. */
function auditKey(a: CentralKeysArgs, input: string, key: Key): void {
  const { page, max } = a.audit;
  const scroll = (by: number) => a.dispatch({ type: 'audit-scroll', by, max });
  if (input === 'a' || key.escape) return a.dispatch({ type: 'audit-toggle' });
  if (key.downArrow || input === 'j') return scroll(1);
  if (key.upArrow || input === 'k') return scroll(-1);
  if (key.pageDown || input === ' ') return scroll(page);
  if (key.pageUp) return scroll(-page);
  if (key.home || input === 'g') return a.dispatch({ type: 'audit-scroll', to: 0, max });
  if (key.end || input === 'G') return a.dispatch({ type: 'audit-scroll', to: max, max });
}

/** The monitor's keys: selection, s/r/S/R/f intents (S/R/f confirmed), `/` filter, `a` audit, `?` help, q. */
export function useCentralKeys(a: CentralKeysArgs): void {
  useKeys((input, key) => {
    const { ui, dispatch } = a;
    if (key.ctrl && input === 'c') return a.quit();
    if (ui.helpOpen) {
      if (input === 'q') return a.quit();
      return dispatch({ type: 'help', open: false });
    }
    if (!a.panels) {
      if (isQuitKey(input, key)) a.quit();
      return;
    }
    if (ui.editingFilter) {
      if (key.escape) return dispatch({ type: 'filter-clear' });
      if (key.return) return dispatch({ type: 'filter-done' });
      if (key.backspace || key.delete) return dispatch({ type: 'filter-backspace' });
      if (input && !key.ctrl && !key.meta && input >= ' ') {
        dispatch({ type: 'filter-type', text: input });
      }
      return;
    }
    if (ui.confirm) {
      const what = ui.confirm;
      dispatch({ type: 'confirm', what: null });
      if (input === 'y' || input === 'Y' || key.return) {
        a.run(() => confirmed(a.central, what));
      } else {
        a.cancelled();
      }
      return;
    }
    if (input === 'q') return a.quit();
    if (input === '?') return dispatch({ type: 'help', open: true });
    // The audit view shows no charge point: the keys that act on one do nothing there.
    if (ui.auditOpen) return auditKey(a, input, key);
    if (input === 'a') return dispatch({ type: 'audit-toggle' });
    if (input === '/') return dispatch({ type: 'filter-open' });
    if (key.escape) return dispatch({ type: 'filter-clear' });
    const move = moveOf(input, key);
    if (move) {
      return dispatch({ type: 'move', move, ids: a.ids, shape: a.shape });
    }
    const selected = a.selectedIndex >= 0 ? a.ids[a.selectedIndex] : undefined;
    switch (input) {
      case 's':
        if (selected) a.run(() => a.central.stop(selected));
        return;
      case 'r':
        if (selected) a.run(() => a.central.resume(selected));
        return;
      case 'S':
        return dispatch({ type: 'confirm', what: { kind: 'stop-all' } });
      case 'R':
        return dispatch({ type: 'confirm', what: { kind: 'resume-all' } });
      case 'f':
        if (selected) forgetAsked(a, selected);
        return;
      case 'K':
        if (selected) return dispatch({ type: 'confirm', what: { kind: 'reset-keys', cpId: selected } });
        return;
      case 't':
        return dispatch({ type: 'toggle-view' });
      case '<':
        return dispatch({ type: 'sort', step: -1 });
      case '>':
        return dispatch({ type: 'sort', step: 1 });
    }
  });
}
