export { startChargePoint, type ChargePoint } from './charge-point.js';
export { powerAt, accrue } from './meter.js';
export * from './types.js';
