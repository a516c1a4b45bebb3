import type { KeyHelp } from '../shared/keys.js';

// Narrow footers drop the arrows first (everyone tries them), then the filter, then the confirmed
// stop all / resume all; s, r, ? and q stay.
export const CENTRAL_KEYS: readonly KeyHelp[] = [
  { keys: '←↑↓→/hjkl', shortKeys: '←↑↓→', label: 'select', short: 'move', help: 'move the selection between charge points', drop: 3 },
  { keys: 'PgUp/PgDn', label: 'page', help: 'previous / next page of charge points', hint: false },
  { keys: 's', label: 'stop', help: 'stop the selected charge point (ends its supply, OUT OF SERVICE)' },
  { keys: 'r', label: 'resume', help: 'resume the selected charge point' },
  { keys: 'S', label: 'stop all', help: 'stop every charge point (asks for confirmation)', drop: 1 },
  { keys: 'R', label: 'resume all', help: 'resume every charge point (asks for confirmation)', drop: 1 },
  { keys: 'f', label: 'forget', help: 'forget the selected DISCONNECTED charge point for good (asks for confirmation)', drop: 4 },
  { keys: 'K', label: 'reset keys', help: "reset the selected charge point's keys (with security.records on; asks for confirmation)", drop: 4, hint: false },
  { keys: 't', label: 'table', help: 'switch between tiles and a table of rows (for big networks)', drop: 4 },
  { keys: '</>', label: 'sort', help: 'in the table: sort by the previous / next column (figures largest first)', hint: false },
  { keys: 'a', label: 'audit', help: 'show or hide the audit trail (every role\'s entries, newest first; j/k ↑↓ PgUp/PgDn scroll, a or Esc back)', drop: 4 },
  { keys: '/', label: 'filter', help: 'filter by id, location or state; Enter keeps it, Esc clears it', drop: 2 },
  { keys: 'Esc', label: 'clear filter', help: 'clear the filter', hint: false },
  { keys: '?', label: 'help', help: 'show or hide this help' },
  { keys: 'q', label: 'quit', help: 'quit (Ctrl-C too)' },
];

/** The footer while the audit view is open (the help overlay lists every key either way). */
export const AUDIT_VIEW_KEYS: readonly KeyHelp[] = [
  { keys: '↑↓/jk', label: 'scroll', help: 'scroll the audit trail by one entry' },
  { keys: 'PgUp/PgDn', label: 'page', help: 'scroll the audit trail by a page', drop: 1 },
  { keys: 'a/Esc', label: 'back', help: 'back to the charge points' },
  { keys: '?', label: 'help', help: 'show or hide this help' },
  { keys: 'q', label: 'quit', help: 'quit (Ctrl-C too)' },
];
