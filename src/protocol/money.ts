/**
 * Ticket arithmetic in one place. Energy is rounded to whole watt-hours (3 decimals of kWh) first,
 * then money is computed exactly with integers and rounded half-up to the cent, so that the total
 * on a ticket always equals the printed kWh × price, to the cent, with no floating-point drift.
 */

/** Prices are carried with at most 6 decimals (micro-euro per kWh). */
const PRICE_SCALE = 1_000_000n;

/** kWh rounded to 3 decimals (whole Wh), half-up. */
/** Local calendar day of `ms`, YYYY-MM-DD: "today" as the operator at this central sees it. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** `08:01:02`: local time of day of `ms`, as every screen and line shows it. */
export function localClock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function roundKwh(kwh: number): number {
  return Number(toWh(kwh)) / 1000;
}

/** € rounded to the cent, half-up. */
export function roundEur(eur: number): number {
  return Math.round(eur * 100 + Math.sign(eur) * 1e-9) / 100;
}

export interface Charge {
  /** kWh rounded to 3 decimals. */
  kwh: number;
  pricePerKwh: number;
  /** roundKwh(kwh) × pricePerKwh, rounded to the cent. */
  totalEur: number;
}

/** The one function that turns delivered energy and a price into what the driver pays. */
export function chargeTicket(kwh: number, pricePerKwh: number): Charge {
  if (!Number.isFinite(kwh) || kwh < 0) throw new RangeError(`invalid energy: ${kwh} kWh`);
  if (!Number.isFinite(pricePerKwh) || pricePerKwh < 0) {
    throw new RangeError(`invalid price: ${pricePerKwh} €/kWh`);
  }
  const wh = toWh(kwh);
  const microPrice = BigInt(Math.round(pricePerKwh * Number(PRICE_SCALE)));
  // wh × µ€/kWh = 1e-3 kWh × 1e-6 €/kWh → units of 1e-9 €; one cent is 1e7 of them.
  const nanoEur = wh * microPrice;
  const cents = (nanoEur + 5_000_000n) / 10_000_000n;
  return { kwh: Number(wh) / 1000, pricePerKwh, totalEur: Number(cents) / 100 };
}

function toWh(kwh: number): bigint {
  // The 1e-9 nudge makes values like 1.0005 (stored as 1.000499999…) round half-up as written.
  return BigInt(Math.round(kwh * 1000 + 1e-9));
}

/** Energy delivered at `kw` for `ms` milliseconds, `speed` times faster than real time. */
export function energyKwh(kw: number, ms: number, speed = 1): number {
  return (kw * ms * speed) / 3_600_000;
}
