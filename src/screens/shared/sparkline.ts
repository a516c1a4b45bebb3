const BARS = '▁▂▃▄▅▆▇█';

/** `values` (oldest first) squeezed into `width` cells (max of each group), scaled to `max`. */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  if (width <= 0 || values.length === 0) return '';
  const cells: number[] = [];
  const n = values.length;
  const w = Math.min(width, n);
  for (let i = 0; i < w; i++) {
    const from = Math.floor((i * n) / w);
    const to = Math.max(from + 1, Math.floor(((i + 1) * n) / w));
    let m = 0;
    for (let j = from; j < to; j++) m = Math.max(m, values[j] ?? 0);
    cells.push(m);
  }
  const top = max ?? Math.max(...cells);
  return cells
    .map((v) => {
      if (top <= 0 || v <= 0) return '·';
      const level = Math.min(BARS.length - 1, Math.max(0, Math.ceil((v / top) * BARS.length) - 1));
      return BARS[level];
    })
    .join('');
}
