import type { Driver, DriverRun } from '../../roles/driver/index.js';
import { runScreen, type ScreenExit, type ScreenOptions } from '../shared/run-screen.js';
import { DriverScreen } from './driver-screen.js';

export interface DriverScreenOptions extends ScreenOptions {
  /** The `--cp` / `--file` run to show; absent: the interactive menu. */
  run?: DriverRun;
}

/**
 * The driver session, full screen, until q / Ctrl-C / SIGTERM; the terminal is restored on return.
 * In `--cp` / `--file` mode the screen stays open after the run ends (q); quitting during a run
 * stops the current supply and waits for its ticket first.
 */
export async function runDriverScreen(driver: Driver, options: DriverScreenOptions): Promise<ScreenExit> {
  const { run } = options;
  try {
    return await runScreen(<DriverScreen driver={driver} run={run} title={options.title ?? 'evcharge driver'} />, options);
  } finally {
    // A forced quit (second q or signal) while the run is still going: stop it cleanly anyway.
    run?.abort();
  }
}
