import type { EndWait } from '../../roles/driver/index.js';

/** The footer while quitting waits: what for, how long at most, and the way out. Short: 60 columns. */
export function endingNotice(wait: EndWait, now: number): string {
  switch (wait.for) {
    case 'answer':
      return `quitting: waiting for central's answer about ${wait.cpId} · q again quits now`;
    case 'ticket':
      return `stopping ${wait.cpId}; waiting for the ticket (${Math.max(0, Math.ceil((wait.until - now) / 1000))} s) · q again quits now`;
    case 'run':
      return 'stopping the run before quitting · q again quits now';
  }
}
