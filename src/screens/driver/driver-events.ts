import type { RoleEvent } from '../../roles/shared/events.js';
import type { Tone } from '../shared/event-buffer.js';

/** Which driver events make a line (progress, every second, does not). */
export function driverTone(event: RoleEvent): Tone | null {
  switch (event.kind) {
    case 'progress':
      return null;
    case 'granted':
    case 'supply-started':
    case 'ticket':
      return 'good';
    case 'denied':
    case 'timeout':
    case 'malformed':
    case 'publish-error':
      return 'bad';
    case 'late-grant':
      return 'warn';
    default:
      return 'info';
  }
}
