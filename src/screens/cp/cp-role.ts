import type { ChargePoint } from '../../roles/cp/index.js';

/** What the meter screen uses of the charge-point role (tests may pass a fake with this shape). */
export type ChargePointRole = Pick<ChargePoint, 'store' | 'onEvent' | 'counters' | 'busStatus' | 'unplug' | 'fault' | 'recover'>;
