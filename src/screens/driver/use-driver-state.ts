import { useReducer } from 'react';

/** The driver screen's own UI state; the session itself lives in the driver's store. */
export interface DriverUiState {
  /** The highlighted CP in the menu (only AVAILABLE ones can be highlighted). */
  cursorId: string | null;
  helpOpen: boolean;
}

export type DriverUiAction =
  | { type: 'cursor'; id: string | null }
  | { type: 'help'; open: boolean };

export function driverUiReducer(state: DriverUiState, action: DriverUiAction): DriverUiState {
  switch (action.type) {
    case 'cursor':
      return state.cursorId === action.id ? state : { ...state, cursorId: action.id };
    case 'help':
      return { ...state, helpOpen: action.open };
  }
}

export function useDriverState() {
  return useReducer(driverUiReducer, { cursorId: null, helpOpen: false });
}
