import type { DriverCpView } from '../../roles/driver/index.js';
import { textWidth } from '../shared/fit.js';
import { CP_STATE_STYLE, UNAVAILABLE_WHY } from '../shared/state-style.js';
import { selectable } from './menu-cursor.js';

/** `0.35 €/kWh` and the space after it. */
export const PRICE_WIDTH = 11;

export interface MenuColumns {
  idWidth: number;
  locWidth: number;
  /** Whether the unavailable rows say why after the state (`— in use`). */
  why: boolean;
}

/**
 * The menu's columns for `width`: the id, the price and the state are whole on every row; the
 * location is as wide as the longest one; the why goes before a location is cut (the state word
 * mostly says it already: OUT OF SERVICE, stopped).
 */
export function menuColumns(cps: readonly DriverCpView[], width: number): MenuColumns {
  const idWidth = Math.max(5, ...cps.map((cp) => textWidth(cp.id)));
  const stateWidth = Math.max(0, ...cps.map((cp) => 2 + textWidth(CP_STATE_STYLE[cp.state].word)));
  const whyWidth = Math.max(0, ...cps.filter((cp) => !selectable(cp)).map((cp) => 3 + textWidth(UNAVAILABLE_WHY[cp.state])));
  const longest = Math.max(6, ...cps.map((cp) => textWidth(cp.location)));
  // cursor and space, id, space, location, space, price, state
  const fixed = 2 + idWidth + 1 + 1 + PRICE_WIDTH + stateWidth;
  if (fixed + longest + whyWidth <= width) return { idWidth, locWidth: longest, why: true };
  return { idWidth, locWidth: Math.max(6, Math.min(longest, width - fixed)), why: false };
}
