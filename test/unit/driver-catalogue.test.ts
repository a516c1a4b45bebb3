import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CpRecord } from '../../src/protocol/index.js';
import { startDriver } from '../../src/roles/driver/index.js';
import { flush, send, testNet } from './helpers.js';

// A driver lists CPs from cp-state, where central republishes every supplying CP's live figures
// every few seconds. Those records leave the list as it is and are not decoded; anything that may
// change a CP's line (state, price, location, power) is decoded, validated and applied.
const record = (over: Partial<CpRecord> = {}): CpRecord => ({
  id: 'CP1', location: 'Gate 1', pricePerKwh: 0.4, maxKw: 22, instanceId: '6b0f2a36-3f0e-4c54-9b8e-0c8e7b0c1d11',
  state: 'CHARGING', connected: true, outOfService: false, faulted: false, registeredAt: 1, lastHeartbeatAt: 1,
  supply: { sessionId: '0d3c3f9e-1f2a-4b6c-8d7e-9f0a1b2c3d4e', requestId: '0d3c3f9e-1f2a-4b6c-8d7e-9f0a1b2c3d4f', driverId: 'D9', startedAt: 1, confirmed: true, kw: 11, kwh: 0.5, eur: 0.2, lastSeq: 3, pricePerKwh: 0.4, ending: null },
  recentSessions: [], totals: { sessions: 0, kwh: 0, eur: 0 }, ...over,
});

test("a driver decodes only the cp-state records that may change its list; live figures alone are skipped", async () => {
  const net = testNet();
  const driver = await startDriver({ bus: net.bus, clock: net.clock, id: 'D1', groups: { main: 'driver-D1-group', state: 'driver-D1-state' } });
  const seen = () => driver.counters().messagesIn;
  await send(net, 'cp.state', record(), { sender: 'central' });
  await flush(net);
  assert.deepEqual(driver.store.getSnapshot().cps.map((c) => [c.id, c.state]), [['CP1', 'CHARGING']]);
  const afterFirst = seen();
  assert.equal(afterFirst, 1, 'the first record of a CP is decoded');

  // Twenty republished live figures: nothing on the list changes and nothing is decoded.
  for (let i = 0; i < 20; i++) await send(net, 'cp.state', record({ supply: { ...record().supply!, kwh: 0.5 + i, lastSeq: 4 + i } }), { sender: 'central' });
  await flush(net);
  assert.equal(seen(), afterFirst, 'live figures alone are not decoded');
  const listBefore = driver.store.getSnapshot().cps;

  // A state change, then a price change: each decoded and applied.
  await send(net, 'cp.state', record({ state: 'AVAILABLE', supply: null }), { sender: 'central' });
  await send(net, 'cp.state', record({ state: 'AVAILABLE', supply: null, pricePerKwh: 0.5 }), { sender: 'central' });
  await flush(net);
  assert.equal(seen(), afterFirst + 2);
  assert.notEqual(driver.store.getSnapshot().cps, listBefore);
  assert.deepEqual(driver.store.getSnapshot().cps.map((c) => [c.id, c.state, c.pricePerKwh]), [['CP1', 'AVAILABLE', 0.5]]);

  // A broken record that would change the line is decoded, counted and refused, as before.
  await net.bus.publish([{ topic: 'cp-state', key: 'CP1', value: JSON.stringify({ type: 'cp.state', sender: 'central', id: 'x', ts: 1, v: 1, payload: { ...record(), state: 'EXPLODED' } }) }]);
  await flush(net);
  assert.equal(driver.counters().malformed, 1);
  assert.equal(driver.store.getSnapshot().cps[0]?.state, 'AVAILABLE');
  await driver.close();
});
