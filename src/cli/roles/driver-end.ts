import type { EndWait, SessionEnd, SessionEndResult } from '../../roles/driver/index.js';
import type { RoleEvent } from '../../roles/shared/events.js';

/**
 * `--no-tui` quitting (quit, end of input, a signal): says what it waits for, waits, then says
 * where a ticket that did not come went. The tickets that do come print as the driver's own events.
 * A second Ctrl-C exits at once (Shutdown).
 */
export async function endHeadless(end: SessionEnd, print: (e: RoleEvent) => void, opts: { announce: boolean }): Promise<SessionEndResult> {
  const say = (kind: string, text: string, data: Record<string, unknown> = {}) => print({ at: Date.now(), kind, text, data });
  const state = end.store.getSnapshot();
  if (opts.announce && state.phase === 'waiting') say('quitting', waitingText(state.wait), { ...state.wait });
  const result = await end.done;
  if (result.missing) say('no-ticket', result.missing);
  return result;
}

function waitingText(wait: EndWait): string {
  switch (wait.for) {
    case 'answer':
      return `waiting for central's answer about ${wait.cpId} before quitting (Ctrl-C again quits now)`;
    case 'ticket':
      return `stopping the supply at ${wait.cpId} before quitting; waiting up to ${Math.round((wait.until - Date.now()) / 1000)} s for its ticket (Ctrl-C again quits now)`;
    case 'run':
      return 'stopping the run before quitting (Ctrl-C again quits now)';
  }
}
