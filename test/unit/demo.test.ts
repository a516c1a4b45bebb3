import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startDemo } from '../../src/roles/demo/index.js';
import { testNet } from './helpers.js';
import { until } from './network.js';

test('the demo network registers its CPs and its drivers charge and get tickets on their own', async () => {
  const net = testNet();
  const demo = await startDemo({ bus: net.bus, clock: net.clock, cpCount: 6, driverCount: 3, faultEveryMs: 20_000 });
  const states = new Set<string>();
  demo.central.onEvent((e) => states.add(e.kind));
  await until(net, new Promise<void>((resolve) => {
    const check = () => demo.drivers.every((d) => d.store.getSnapshot().tickets.length >= 1) && resolve();
    for (const d of demo.drivers) d.store.subscribe(check);
  }), 120_000, 500);
  const snap = demo.central.store.getSnapshot();
  assert.equal(snap.cps.length, 6);
  assert.ok(snap.totals.sessions >= 3);
  assert.ok(states.has('auth-granted') && states.has('supply-ended'));
  await demo.close();
  assert.equal(net.clock.pendingTimers(), 0, 'close stopped every timer');
});
