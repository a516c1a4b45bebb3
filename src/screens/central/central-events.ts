import type { RoleEvent } from '../../roles/shared/events.js';
import type { Tone } from '../shared/event-buffer.js';

/** Which central events make a line in the log, and in which tone. */
export function centralTone(event: RoleEvent): Tone | null {
  switch (event.kind) {
    case 'cp-registered':
    case 'cp-reconnected':
    case 'cp-recovered':
    case 'cp-resumed':
    case 'auth-granted':
    case 'supply-started':
      return 'good';
    case 'auth-denied':
    case 'cp-faulted':
    case 'cp-disconnected':
    case 'cp-register-refused':
    case 'malformed':
    case 'publish-error':
      return 'bad';
    case 'cp-stopped':
    case 'telemetry-gap':
    case 'health-stalled':
    case 'cp-undecided':
    case 'orphan-supply':
      return 'warn';
    case 'supply-ended':
    case 'driver-stop':
    case 'serving':
    case 'state-rebuilt':
    case 'bus-status':
      return 'info';
    default:
      return 'plain';
  }
}
