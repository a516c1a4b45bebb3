import { runScreen, type ScreenExit, type ScreenOptions } from '../shared/run-screen.js';
import type { ChargePointRole } from './cp-role.js';
import { ChargePointScreen } from './cp-screen.js';

export type ChargePointScreenOptions = ScreenOptions;

/** The charge-point meter, full screen, until q / Ctrl-C / SIGTERM; the terminal is restored on return. */
export function runChargePointScreen(cp: ChargePointRole, options: ChargePointScreenOptions): Promise<ScreenExit> {
  return runScreen(<ChargePointScreen cp={cp} title={options.title ?? 'evcharge cp'} />, options);
}
