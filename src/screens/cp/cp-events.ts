import type { RoleEvent } from '../../roles/shared/events.js';
import type { Tone } from '../shared/event-buffer.js';

/** Which meter events make a line (telemetry, every second, does not). */
export function cpTone(event: RoleEvent): Tone | null {
  switch (event.kind) {
    case 'telemetry':
      return null;
    case 'registered':
    case 'supply-started':
    case 'recovered':
    case 'in-service':
      return 'good';
    case 'register-refused':
    case 'faulted':
    case 'malformed':
    case 'publish-error':
    case 'command-refused':
      return 'bad';
    case 'out-of-service':
      return 'warn';
    default:
      return 'info';
  }
}
