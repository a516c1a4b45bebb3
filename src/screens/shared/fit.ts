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
