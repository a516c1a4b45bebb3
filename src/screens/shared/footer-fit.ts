import { textWidth } from './fit.js';
import { ESSENTIAL_KEYS, type KeyHelp } from './keys.js';

export interface Hint {
  keys: string;
  label: string;
}

const SEP = 2;

export const hintsWidth = (hints: readonly Hint[]): number =>
  hints.reduce((n, h, i) => n + (i > 0 ? SEP : 0) + textWidth(h.keys) + 1 + textWidth(h.label), 0);

/**
 * The footer's hints for `width` columns: every hint in its full form if the line fits; else every
 * hint in its short form; else short forms with the least important hints dropped one by one
 * (highest `drop` first, then from the end), never `?` and `q`. Hints are whole or absent.
 */
export function fitHints(keys: readonly KeyHelp[], width: number): Hint[] {
  const shown = keys.filter((k) => k.hint !== false);
  const full = shown.map((k) => ({ keys: k.keys, label: k.label }));
  if (hintsWidth(full) <= width) return full;
  const short = shown.map((k) => ({ key: k, hint: { keys: k.shortKeys ?? k.keys, label: k.short ?? k.label } }));
  const order = short
    .map((s, i) => ({ ...s, i }))
    .filter((s) => !ESSENTIAL_KEYS.has(s.key.keys))
    .sort((a, b) => (b.key.drop ?? 0) - (a.key.drop ?? 0) || b.i - a.i);
  const dropped = new Set<number>();
  for (;;) {
    const hints = short.filter((_, i) => !dropped.has(i)).map((s) => s.hint);
    const next = order.shift();
    if (hintsWidth(hints) <= width || !next) return hints;
    dropped.add(next.i);
  }
}
