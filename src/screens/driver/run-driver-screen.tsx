import type { Driver } from '../../roles/driver/index.js';
import { runScreen, type ScreenOptions } from '../shared/run-screen.js';
import type { DriverMode } from './driver-role.js';
import { DriverRun, type RunOutcome } from './driver-run.js';
import { DriverScreen } from './driver-screen.js';

export interface DriverScreenOptions extends ScreenOptions {
  /** `--cp` (one service) or `--file` (a queue); absent: the interactive menu. */
  mode?: DriverMode;
}

export interface DriverScreenResult {
  /** The run's outcome in `--cp` / `--file` mode (null if it failed or there was none). */
  outcome: RunOutcome | null;
  /** Ctrl-C ended the screen (the CLI exits 130). */
  interrupted: boolean;
  /** Suggested exit code: 0, or 1 when a service of the run was not completed. */
  exitCode: 0 | 1;
}

/**
 * The driver session, full screen, until q / Ctrl-C / SIGTERM; the terminal is restored on return.
 * In `--cp` / `--file` mode the run starts at once and the screen stays open after it ends (q);
 * quitting during a run stops the current supply and waits for its ticket first.
 */
export async function runDriverScreen(driver: Driver, options: DriverScreenOptions): Promise<DriverScreenResult> {
  const run = options.mode ? DriverRun.start(driver, options.mode, options.clock) : undefined;
  let exit = { interrupted: false };
  try {
    exit = await runScreen(<DriverScreen driver={driver} run={run} title={options.title ?? 'evcharge driver'} />, options);
  } finally {
    // A forced quit (second q or signal) while the run is still going: stop it cleanly anyway.
    run?.abort();
  }
  const outcome = run ? await run.done : null;
  return { outcome, interrupted: exit.interrupted, exitCode: exitCodeOf(outcome, run !== undefined) };
}

function exitCodeOf(outcome: RunOutcome | null, hadRun: boolean): 0 | 1 {
  if (!hadRun) return 0;
  if (!outcome) return 1;
  if (outcome.kind === 'file') return outcome.result.exitCode;
  return outcome.result.status === 'completed' ? 0 : 1;
}
