import { SessionEnd, resultFromRefusal, resultFromTicket, servicesExitCode, type Driver, type ServiceResult } from '../../roles/driver/index.js';
import type { RoleEvent } from '../../roles/shared/events.js';
import type { Shutdown } from '../shutdown.js';
import { readStdinLines } from '../stdin-lines.js';
import { endHeadless } from './driver-end.js';

export const DRIVER_SESSION_HELP = 'commands: list | request CP_ID | stop | tickets | quit';

/**
 * `evcharge driver --no-tui` without `--cp` or `--file`: one command per stdin line, answered in
 * the order asked (a request's answer comes before the next line is read). `quit`, a signal or
 * the end of input ends the session, stopping an open supply and waiting for its ticket first:
 * exit 0 when every service of it completed, 1 when one was denied, failed or cut short (the
 * README's table).
 */
export async function runDriverSession(driver: Driver, shutdown: Shutdown, print: (e: RoleEvent) => void, opts: { input?: NodeJS.ReadableStream } = {}): Promise<number> {
  const say = (kind: string, text: string, data: Record<string, unknown> = {}) => print({ at: Date.now(), kind, text, data });
  const refused: ServiceResult[] = [];
  say('ready', `driver ${driver.id} ready; ${DRIVER_SESSION_HELP}`);
  const stopReading = readStdinLines(
    async (line) => {
      const [word = '', arg] = line.split(/\s+/);
      switch (word.toLowerCase()) {
        case 'list': {
          const cps = driver.store.getSnapshot().cps;
          say('cp-list', cps.length ? cps.map((c) => `${c.id} ${c.state} ${c.location} ${c.pricePerKwh} €/kWh`).join('\n') : 'no charge points known yet', { cps });
          return;
        }
        case 'request':
        case 'charge': {
          if (!arg) return say('command-error', 'request needs a CP id');
          const answer = await driver.request(arg);
          if (!answer.granted) refused.push(resultFromRefusal(answer));
          return;
        }
        case 'stop': {
          const r = await driver.stopSupply();
          return say(r.ok ? 'command' : 'command-error', r.text);
        }
        case 'tickets': {
          const { tickets } = driver.store.getSnapshot();
          return say('tickets', `${tickets.length} tickets this run`, { tickets });
        }
        case 'quit':
        case 'exit':
          return shutdown.abort('quit');
        default:
          say('command-error', `unknown command "${line}"; ${DRIVER_SESSION_HELP}`);
      }
    },
    { onEnd: () => shutdown.abort('end of input'), ...(opts.input && { input: opts.input }) },
  );
  await shutdown.requested;
  stopReading();
  // An open supply is stopped and its ticket awaited, as the TUI's q does.
  const end = new SessionEnd(driver);
  end.begin();
  const ended = await endHeadless(end, print, { announce: true });
  const supplied = driver.store.getSnapshot().tickets.map((t) => resultFromTicket(t.cpId, t));
  return servicesExitCode([...refused, ...supplied, ...(ended.missing ? [{ status: 'failed' as const }] : [])]);
}
