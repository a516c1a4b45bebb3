import { textWidth } from './fit.js';

/**
 * `text` in rows of at most `width` columns, broken at spaces; only a word wider than a whole row
 * is broken inside (nothing else would fit it).
 */
export function wrapWords(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while (textWidth(rest) > w) {
      if (row) rows.push(row);
      const chars = Array.from(rest);
      rows.push(chars.slice(0, w).join(''));
      rest = chars.slice(w).join('');
      row = '';
    }
    if (!row) row = rest;
    else if (textWidth(row) + 1 + textWidth(rest) <= w) row += ` ${rest}`;
    else {
      rows.push(row);
      row = rest;
    }
  }
  rows.push(row);
  return rows;
}
