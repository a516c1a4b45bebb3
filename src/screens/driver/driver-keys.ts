import type { KeyHelp } from '../shared/keys.js';

export const DRIVER_KEYS: readonly KeyHelp[] = [
  { keys: '↑↓/jk', label: 'choose', help: 'move between the available charge points (others are greyed, with why)' },
  { keys: 'Enter', label: 'request', help: 'request a charge at the highlighted charge point' },
  { keys: 'x', label: 'stop', help: 'stop the supply in progress (the ticket follows)' },
  { keys: '?', label: 'help', help: 'show or hide this help' },
  { keys: 'q', label: 'quit', help: 'quit; an open supply is stopped first and its ticket awaited (q again quits at once)' },
];
