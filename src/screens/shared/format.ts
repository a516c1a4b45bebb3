import { localClock } from '../../protocol/index.js';
/** Number formats shared by every screen. */
export const fmtKwh = (kwh: number): string => `${kwh.toFixed(3)} kWh`;
export const fmtEur = (eur: number): string => `${eur.toFixed(2)} €`;
export const fmtKw = (kw: number): string => `${kw.toFixed(1)} kW`;
export const fmtPrice = (price: number): string => `${price.toFixed(2)} €/kWh`;

/** `1:02:03` or `02:03`. */
export function fmtElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** `08:01:02` in local time. */
export function fmtClock(at: number): string {
  return localClock(at);
}

/** Cuts `text` to `width` columns with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  if (width === 1) return '…';
  return text.slice(0, width - 1) + '…';
}

/**
 * Cuts `text` to `width` columns after its last whole word that fits, with an ellipsis; only a
 * first word wider than that is cut inside.
 */
export function truncateWords(text: string, width: number): string {
  if (text.length <= width) return text;
  const head = text.slice(0, Math.max(0, width - 1));
  const end = text[head.length] === ' ' ? head.length : head.lastIndexOf(' ');
  return end > 0 ? `${head.slice(0, end).trimEnd()}…` : truncate(text, width);
}

export function pad(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - t.length));
}
