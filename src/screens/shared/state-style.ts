import type { CpState } from '../../protocol/index.js';

/** How a state looks: a word and a glyph always, a colour when colours are on. */
export interface StateStyle {
  word: string;
  glyph: string;
  color: string;
  /** The word where room is short (a status line on a narrow terminal). */
  short?: string;
}

export const ORANGE = '#FFA500';

export const CP_STATE_STYLE: Record<CpState, StateStyle> = {
  AVAILABLE: { word: 'AVAILABLE', glyph: '●', color: 'green', short: 'avail' },
  CHARGING: { word: 'CHARGING', glyph: '↯', color: 'green', short: 'charging' },
  OUT_OF_SERVICE: { word: 'OUT OF SERVICE', glyph: '⊘', color: ORANGE, short: 'stopped' },
  FAULTED: { word: 'FAULTED', glyph: '✖', color: 'red', short: 'faulted' },
  DISCONNECTED: { word: 'DISCONNECTED', glyph: '○', color: 'gray', short: 'offline' },
};

/** Meter-side states that central does not have. */
export const EXTRA_STATE_STYLE: Record<string, StateStyle> = {
  REGISTERING: { word: 'REGISTERING', glyph: '…', color: 'cyan' },
  REFUSED: { word: 'REFUSED', glyph: '✖', color: 'red' },
};

export function styleOf(state: string): StateStyle {
  return (CP_STATE_STYLE as Record<string, StateStyle>)[state] ?? EXTRA_STATE_STYLE[state] ?? { word: state, glyph: '?', color: 'white' };
}

/** Why a driver cannot pick a CP in this state. */
export const UNAVAILABLE_WHY: Record<CpState, string> = {
  AVAILABLE: '',
  CHARGING: 'in use',
  OUT_OF_SERVICE: 'stopped',
  FAULTED: 'broken',
  DISCONNECTED: 'offline',
};
