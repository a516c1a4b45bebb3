import type { Key } from 'ink';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** One character of a batch as Ink would have reported it had it come alone. */
function keyOf(ch: string): [string, Key] {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === '\r' || ch === '\n') return ['', { ...NO_KEY, return: true }];
  if (ch === '\t') return ['', { ...NO_KEY, tab: true }];
  if (ch === '\u007F' || ch === '\b') return ['', { ...NO_KEY, backspace: true }];
  if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), { ...NO_KEY, ctrl: true }];
  if (code < 32) return ['', { ...NO_KEY }];
  return [ch, { ...NO_KEY, shift: /^[A-Z]$/.test(ch) }];
}

/**
 * Ink splits escape sequences (arrows, PgUp…) into events of their own, but hands a run of plain
 * characters that arrived in one read (fast typing, key repeat, a paste, a slow link) over as one
 * `input` ("jj", "ab\r"). This splits such a run into the keys it is made of, so each one counts.
 */
export function splitKeys(input: string, key: Key): Array<[string, Key]> {
  const chars = Array.from(input);
  if (chars.length <= 1) return [[input, key]];
  return chars.map(keyOf);
}
