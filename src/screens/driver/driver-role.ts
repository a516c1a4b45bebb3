import type { Driver } from '../../roles/driver/index.js';

/** What the driver screen uses of the driver role (tests may pass a fake with this shape). */
export type DriverRole = Pick<Driver, 'id' | 'store' | 'onEvent' | 'counters' | 'busStatus' | 'request' | 'stopSupply'>;

/** The `--cp` and `--file` modes: the screen shows the runner's progress. */
export type DriverMode =
  | { kind: 'single'; cpId: string; kwh?: number; seconds?: number }
  | { kind: 'file'; cpIds: readonly string[]; pauseMs?: number; kwh?: number; seconds?: number };
