import type { KeyHelp } from '../shared/keys.js';

export const CENTRAL_KEYS: readonly KeyHelp[] = [
  { keys: '←↑↓→/hjkl', label: 'select', help: 'move the selection between charge points' },
  { keys: 'PgUp/PgDn', label: 'page', help: 'previous / next page of charge points', hint: false },
  { keys: 's', label: 'stop', help: 'stop the selected charge point (ends its supply, OUT OF SERVICE)' },
  { keys: 'r', label: 'resume', help: 'resume the selected charge point' },
  { keys: 'S', label: 'stop all', help: 'stop every charge point (asks for confirmation)' },
  { keys: 'R', label: 'resume all', help: 'resume every charge point (asks for confirmation)' },
  { keys: '/', label: 'filter', help: 'filter by id, location or state; Enter keeps it, Esc clears it' },
  { keys: 'Esc', label: 'clear filter', help: 'clear the filter', hint: false },
  { keys: '?', label: 'help', help: 'show or hide this help' },
  { keys: 'q', label: 'quit', help: 'quit (Ctrl-C too)' },
];
