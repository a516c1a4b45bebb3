import { SessionEnd, type Driver, type DriverRun, type SessionEndResult } from '../../roles/driver/index.js';
import { runScreen, type ScreenExit, type ScreenOptions } from '../shared/run-screen.js';
import { DriverScreen } from './driver-screen.js';

export interface DriverScreenOptions extends ScreenOptions {
  /** The `--cp` / `--file` run to show; absent: the interactive menu. */
  run?: DriverRun;
}

export interface DriverScreenResult extends ScreenExit {
  /** How quitting ended: the tickets that came meanwhile, or where a missing one goes (print them). */
  end: SessionEndResult;
}

/**
 * The driver session, full screen, until q / Ctrl-C / SIGTERM; the terminal is restored on return.
 * In `--cp` / `--file` mode the screen stays open after the run ends (q). Quitting with a supply
 * open stops it and waits for its ticket first; q again quits at once.
 */
export async function runDriverScreen(driver: Driver, options: DriverScreenOptions): Promise<DriverScreenResult> {
  const { run } = options;
  const end = new SessionEnd(driver, { ...(options.clock && { clock: options.clock }), ...(run && { run }) });
  let exit: ScreenExit;
  try {
    exit = await runScreen(<DriverScreen driver={driver} run={run} end={end} title={options.title ?? 'evcharge driver'} />, options);
  } finally {
    // Closed without the screen's own q (a crash): still ask for the stop.
    end.begin();
  }
  // Done already, unless q came twice: then what is known now, and where the ticket goes.
  return { ...exit, end: end.cut() };
}
