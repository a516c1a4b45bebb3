/** A key as the footer and the help overlay show it. */
export interface KeyHelp {
  keys: string;
  /** Label for the footer. */
  label: string;
  /** Longer text for the help overlay (defaults to the label). */
  help?: string;
  /** Shown in the footer (default true); every key is in the help overlay. */
  hint?: boolean;
  /** Shorter footer forms, used when the full line does not fit (default: keys and label as they are). */
  shortKeys?: string;
  short?: string;
  /**
   * When even the short forms do not fit, the footer drops hints with the highest `drop` first
   * (default 0; ties from the end of the list). `?` and `q` are never dropped.
   */
  drop?: number;
}

/** The hints the footer always shows: without them nobody finds the others, or the way out. */
export const ESSENTIAL_KEYS: ReadonlySet<string> = new Set(['?', 'q']);
