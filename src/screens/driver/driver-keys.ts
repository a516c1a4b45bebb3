import type { KeyHelp } from '../shared/keys.js';

// Narrow footers shorten the arrows, then drop them (everyone tries them); Enter and x, what a
// driver is here for, go only after them, and ? and q never.
export const DRIVER_KEYS: readonly KeyHelp[] = [
  { keys: '↑↓/jk', shortKeys: '↑↓', label: 'choose', help: 'move between the available charge points (others are greyed, with why)', drop: 1 },
  { keys: 'Enter', label: 'request', help: 'request a charge at the highlighted charge point' },
  { keys: 'x', label: 'stop', help: 'stop the supply in progress (the ticket follows)' },
  { keys: '?', label: 'help', help: 'show or hide this help' },
  { keys: 'q', label: 'quit', help: 'quit; an open supply is stopped first and its ticket awaited (q again quits at once)' },
];
