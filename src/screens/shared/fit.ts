/**
 * Choosing what fits a width or a height, for views that have longer and shorter ways to say the
 * same thing. Widths count code points: the screens print only narrow characters (box drawing,
 * block elements, arrows, €), so that is their width in columns.
 */
export const textWidth = (text: string): number => Array.from(text).length;

/** The first of `forms` (longest first) whose width fits `width`, else the last (the shortest). */
export function firstFit<T>(forms: readonly T[], width: number, widthOf: (form: T) => number): T {
  if (forms.length === 0) throw new Error('firstFit needs at least one form');
  return forms.find((f) => widthOf(f) <= width) ?? forms[forms.length - 1]!;
}

/** A piece of a line: its text, and how it is drawn. */
export interface Segment {
  text: string;
  bold?: boolean;
  dim?: boolean;
  color?: string;
}

export const segmentsWidth = (segments: readonly Segment[]): number => segments.reduce((n, s) => n + textWidth(s.text), 0);

/**
 * The `max` items with the lowest rank (ties: the earlier one), in their original order: a panel
 * with fewer rows than lines keeps the ones that matter most where they were.
 */
export function keepByRank<T extends { rank: number }>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const kept = new Set(
    items
      .map((item, i) => ({ item, i }))
      .sort((a, b) => a.item.rank - b.item.rank || a.i - b.i)
      .slice(0, Math.max(0, max))
      .map((e) => e.i),
  );
  return items.filter((_, i) => kept.has(i));
}
