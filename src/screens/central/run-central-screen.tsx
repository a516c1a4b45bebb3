import { runScreen, type ScreenExit, type ScreenOptions } from '../shared/run-screen.js';
import type { CentralRole } from './central-role.js';
import { CentralScreen } from './central-screen.js';

export type CentralScreenOptions = ScreenOptions;

/** The central monitor, full screen, until q / Ctrl-C / SIGTERM; the terminal is restored on return. */
export function runCentralScreen(central: CentralRole, options: CentralScreenOptions): Promise<ScreenExit> {
  return runScreen(<CentralScreen central={central} title={options.title ?? 'evcharge central'} />, options);
}
