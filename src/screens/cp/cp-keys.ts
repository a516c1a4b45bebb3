import type { KeyHelp } from '../shared/keys.js';

export const CP_KEYS: readonly KeyHelp[] = [
  { keys: 'u', label: 'unplug', help: 'unplug the vehicle (ends the supply; the driver gets the ticket)' },
  { keys: 'f', label: 'fault', help: 'report a fault (ends any supply at once; central and the driver are told)' },
  { keys: 'r', label: 'recover', help: 'clear the fault' },
  { keys: '?', label: 'help', help: 'show or hide this help' },
  { keys: 'q', label: 'quit', help: 'quit (Ctrl-C too)' },
];
