import type { EndWait } from '../../roles/driver/index.js';

/**
 * The footer while quitting waits: what for, how long at most, and the way out; the short form
 * fits beside `? help  q quit` at 60 columns.
 */
export function endingNotice(wait: EndWait, now: number): { text: string; short: string } {
  switch (wait.for) {
    case 'answer':
      return { text: `quitting: waiting for central's answer about ${wait.cpId} · q again quits now`, short: `awaiting ${wait.cpId}'s answer · q again quits` };
    case 'ticket': {
      const left = Math.max(0, Math.ceil((wait.until - now) / 1000));
      return { text: `stopping ${wait.cpId}; waiting for the ticket (${left} s) · q again quits now`, short: `${wait.cpId}'s ticket: ${left} s left · q again quits` };
    }
    case 'run':
      return { text: 'stopping the run before quitting · q again quits now', short: 'stopping the run · q again quits now' };
  }
}
