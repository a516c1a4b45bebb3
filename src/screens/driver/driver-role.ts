import type { Driver } from '../../roles/driver/index.js';

/** What the driver screen uses of the driver role (tests may pass a fake with this shape). */
export type DriverRole = Pick<Driver, 'id' | 'store' | 'onEvent' | 'counters' | 'busStatus' | 'request' | 'stopSupply' | 'ticketFor'>;
