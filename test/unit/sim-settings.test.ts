import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddedBus } from '../../src/bus/embedded-bus.js';
import { cpsOfDriver, simSettings } from '../../src/sim/settings.js';

const groups = { shared: 's', cp: (id: string) => id, driver: (id: string) => id };

test('sim ids carry the prefix and five digits; the period follows the rate but never drops below 10 ms', () => {
  const s = simSettings({ bus: new EmbeddedBus(), cps: 2, drivers: 1, durationMs: 1, groups, idPrefix: 'X-', rateHz: 4 });
  assert.deepEqual(s.cpIds, ['X-CP00001', 'X-CP00002']);
  assert.deepEqual(s.driverIds, ['X-D00001']);
  assert.equal(s.periodMs, 250);
  assert.equal(simSettings({ bus: new EmbeddedBus(), cps: 1, drivers: 0, durationMs: 1, groups, rateHz: 1000 }).periodMs, 10);
});

test('the same seed gives the same supply lengths', () => {
  const a = simSettings({ bus: new EmbeddedBus(), cps: 1, drivers: 1, durationMs: 1, groups, seed: 7 });
  const b = simSettings({ bus: new EmbeddedBus(), cps: 1, drivers: 1, durationMs: 1, groups, seed: 7 });
  assert.deepEqual([a.random(), a.random()], [b.random(), b.random()]);
});

test('drivers share no CP while there are enough: driver i takes the CPs i modulo M', () => {
  const cps = ['C1', 'C2', 'C3', 'C4', 'C5'];
  assert.deepEqual(cpsOfDriver(cps, 2, 0), ['C1', 'C3', 'C5']);
  assert.deepEqual(cpsOfDriver(cps, 2, 1), ['C2', 'C4']);
  const all = [0, 1, 2].flatMap((i) => cpsOfDriver(cps, 3, i));
  assert.deepEqual([...all].sort(), cps);
});

test('with more drivers than CPs, a driver without a CP of its own shares one', () => {
  assert.deepEqual(cpsOfDriver(['C1', 'C2'], 5, 3), ['C2']);
  assert.deepEqual(cpsOfDriver(['C1', 'C2'], 5, 4), ['C1']);
});
