import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chargeTicket, energyKwh, roundKwh } from '../../src/protocol/index.js';

test('ticket kWh is rounded to 3 decimals, half up', () => {
  assert.equal(roundKwh(1.23449), 1.234);
  assert.equal(roundKwh(1.2345), 1.235);
  assert.equal(roundKwh(1.0005), 1.001);
  assert.equal(roundKwh(0), 0);
});

test('total is rounded kWh × price, to the cent, without float drift', () => {
  // 2.5 × 0.35 = 0.875 exactly, which naive float math gives as 0.8749999…
  assert.deepEqual(chargeTicket(2.5, 0.35), { kwh: 2.5, pricePerKwh: 0.35, totalEur: 0.88 });
  // The price applies to the rounded energy: 1.2345 → 1.235 kWh × 0.4 = 0.494 → 0.49.
  assert.deepEqual(chargeTicket(1.2345, 0.4), { kwh: 1.235, pricePerKwh: 0.4, totalEur: 0.49 });
  assert.equal(chargeTicket(10.005, 0.1).totalEur, 1); // 1.0005 → 1.00
  assert.equal(chargeTicket(33.333, 0.289).totalEur, 9.63); // 9.633237 → 9.63
  assert.equal(chargeTicket(0, 0.35).totalEur, 0);
  assert.equal(chargeTicket(123456.789, 1.2345).totalEur, 152407.41); // 152407.406…
});

test('chargeTicket rejects negative or non-finite input', () => {
  assert.throws(() => chargeTicket(-1, 0.3), RangeError);
  assert.throws(() => chargeTicket(Number.NaN, 0.3), RangeError);
  assert.throws(() => chargeTicket(1, Number.POSITIVE_INFINITY), RangeError);
});

test('energy accrues speed times faster', () => {
  assert.equal(energyKwh(36, 1000), 0.01);
  assert.equal(energyKwh(36, 1000, 10), 0.1);
});
