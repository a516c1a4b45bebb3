/** A key as the footer and the help overlay show it. */
export interface KeyHelp {
  keys: string;
  /** Short label for the footer. */
  label: string;
  /** Longer text for the help overlay (defaults to the label). */
  help?: string;
  /** Shown in the footer (default true); every key is in the help overlay. */
  hint?: boolean;
}
