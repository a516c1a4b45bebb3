import { chargeTicket, energyKwh } from '../../protocol/index.js';
import type { LocalSupply } from './types.js';

/** Power `elapsedMs` into a supply: a linear ramp from 0 up to max over `rampMs`. */
export function powerAt(maxKw: number, elapsedMs: number, rampMs: number): number {
  if (rampMs <= 0) return maxKw;
  return maxKw * Math.min(1, Math.max(0, elapsedMs / rampMs));
}

/**
 * Brings a supply's energy up to `now`: integrates power at the interval's midpoint (exact on the
 * ramp's straight line and on the flat part), `speed` times faster than real time.
 */
export function accrue(
  supply: LocalSupply,
  from: number,
  now: number,
  opts: { maxKw: number; rampMs: number; speed: number; pricePerKwh: number },
): void {
  if (now <= from) return;
  const mid = (from + now) / 2 - supply.startedAt;
  supply.kwh += energyKwh(powerAt(opts.maxKw, mid, opts.rampMs), now - from, opts.speed);
  supply.kw = Math.round(powerAt(opts.maxKw, now - supply.startedAt, opts.rampMs) * 100) / 100;
  supply.eur = chargeTicket(supply.kwh, opts.pricePerKwh).totalEur;
}
