import { useReducer } from 'react';
import { moveIndex, type GridShape, type Move } from './grid-layout.js';
import { DEFAULT_SORT, nextSort, type TableSort } from './table-sort.js';

/** A question the monitor asks before acting: every CP at once, or forgetting one for good. */
export type Confirm = { kind: 'stop-all' } | { kind: 'resume-all' } | { kind: 'forget'; cpId: string; question: string } | { kind: 'reset-keys'; cpId: string };

/** The monitor's own UI state; the CPs themselves live in central's store. */
export interface CentralUiState {
  selectedId: string | null;
  filter: string;
  /** The `/` prompt is open and typing edits the filter. */
  editingFilter: boolean;
  confirm: Confirm | null;
  helpOpen: boolean;
  /** Tiles for a dozen CPs, rows for a thousand (`t`). */
  view: 'tiles' | 'table';
  sort: TableSort;
  /** The audit view (`a`) replaces the CPs while open; `auditScroll` entries are scrolled past (0: the newest on top). */
  auditOpen: boolean;
  auditScroll: number;
}

export type CentralUiAction =
  | { type: 'select'; id: string | null }
  /** Moves from the current selection in the grid of `ids` (the first one when none is shown). */
  | { type: 'move'; move: Move; ids: readonly string[]; shape: GridShape }
  | { type: 'help'; open: boolean }
  | { type: 'filter-open' }
  | { type: 'filter-type'; text: string }
  | { type: 'filter-backspace' }
  | { type: 'filter-done' }
  | { type: 'filter-clear' }
  | { type: 'confirm'; what: Confirm | null }
  | { type: 'toggle-view' }
  | { type: 'sort'; step: 1 | -1 }
  | { type: 'audit-toggle' }
  /** Scrolls by `by` entries (`to` instead: to that one), never past `max`. */
  | { type: 'audit-scroll'; by?: number; to?: number; max: number };

export const initialCentralUi: CentralUiState = {
  selectedId: null,
  filter: '',
  editingFilter: false,
  confirm: null,
  helpOpen: false,
  view: 'tiles',
  sort: DEFAULT_SORT,
  auditOpen: false,
  auditScroll: 0,
};

export function centralUiReducer(state: CentralUiState, action: CentralUiAction): CentralUiState {
  switch (action.type) {
    case 'select':
      return state.selectedId === action.id ? state : { ...state, selectedId: action.id };
    case 'move': {
      const from = state.selectedId === null ? 0 : Math.max(0, action.ids.indexOf(state.selectedId));
      const next = moveIndex(from, action.ids.length, action.shape, action.move);
      return next < 0 ? state : centralUiReducer(state, { type: 'select', id: action.ids[next] ?? null });
    }
    case 'help':
      return { ...state, helpOpen: action.open };
    case 'filter-open':
      return { ...state, editingFilter: true, confirm: null };
    case 'filter-type':
      return { ...state, filter: state.filter + action.text };
    case 'filter-backspace':
      return { ...state, filter: state.filter.slice(0, -1) };
    case 'filter-done':
      return { ...state, editingFilter: false };
    case 'filter-clear':
      return { ...state, filter: '', editingFilter: false };
    case 'confirm':
      return { ...state, confirm: action.what };
    case 'toggle-view':
      return { ...state, view: state.view === 'tiles' ? 'table' : 'tiles' };
    case 'sort':
      // Sorting is the table's: in tiles the keys switch to the table first.
      return state.view === 'tiles' ? { ...state, view: 'table' } : { ...state, sort: nextSort(state.sort, action.step) };
    case 'audit-toggle':
      return { ...state, auditOpen: !state.auditOpen, auditScroll: 0, confirm: null };
    case 'audit-scroll': {
      const from = Math.min(state.auditScroll, action.max);
      const next = Math.max(0, Math.min(action.max, action.to ?? from + (action.by ?? 0)));
      return next === state.auditScroll ? state : { ...state, auditScroll: next };
    }
  }
}

export function useCentralState() {
  return useReducer(centralUiReducer, initialCentralUi);
}
