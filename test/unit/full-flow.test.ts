import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chargeTicket } from '../../src/protocol/index.js';
import { flush, run } from './helpers.js';
import { startNetwork } from './network.js';

test('register → request → supply → stop → ticket, with kWh × price to the cent', async () => {
  const net = await startNetwork();
  const { central, driver } = net;
  const cp = net.cps.get('CP001')!;
  assert.equal(cp.store.getSnapshot().state, 'AVAILABLE');
  assert.deepEqual(driver.store.getSnapshot().cps.map((c) => [c.id, c.state, c.pricePerKwh]), [['CP001', 'AVAILABLE', 0.35]]);

  const answer = await driver.request('CP001');
  assert.ok(answer.granted);
  await run(net, 5000);
  const supply = driver.store.getSnapshot().supply;
  assert.equal(supply?.cpId, 'CP001');
  assert.ok((supply?.kwh ?? 0) > 0.1, 'progress reached the driver');
  assert.equal(central.store.getSnapshot().cps[0]!.state, 'CHARGING');
  assert.equal(cp.store.getSnapshot().state, 'CHARGING');

  const ticketPromise = driver.ticketFor(answer.sessionId);
  const stopped = await driver.stopSupply();
  assert.equal(stopped.ok, true);
  await flush(net);
  const ticket = await ticketPromise;
  assert.ok(ticket);
  // 3 s ramp to 22 kW then 2 s at 22 kW, 10× speed: 77 kW·s × 10 = 0.2139 kWh.
  assert.equal(ticket.kwh, 0.214);
  assert.equal(ticket.totalEur, chargeTicket(ticket.kwh, 0.35).totalEur);
  assert.equal(ticket.reason, 'driver-stop');
  assert.equal(driver.store.getSnapshot().tickets.length, 1);
  assert.equal(driver.store.getSnapshot().supply, null);
  await run(net, 1000);
  assert.equal(central.store.getSnapshot().cps[0]!.state, 'AVAILABLE');
  assert.equal(driver.store.getSnapshot().cps[0]!.state, 'AVAILABLE');
  await net.close();
});

test('fault mid-supply: driver told at once, CP FAULTED; recover → AVAILABLE; unplug ends a supply', async () => {
  const net = await startNetwork();
  const { central, driver } = net;
  const cp = net.cps.get('CP001')!;
  const first = await driver.request('CP001');
  assert.ok(first.granted);
  await run(net, 2000);
  assert.equal((await cp.fault('overheating')).ok, true);
  await flush(net);
  const faultTicket = await driver.ticketFor(first.sessionId);
  assert.equal(faultTicket?.reason, 'cp-fault');
  assert.ok((faultTicket?.kwh ?? 0) > 0);
  assert.equal(central.store.getSnapshot().cps[0]!.state, 'FAULTED');
  const denied = await driver.request('CP001');
  assert.equal(!denied.granted && denied.code, 'cp-faulted');

  await cp.recover();
  await flush(net);
  assert.equal(central.store.getSnapshot().cps[0]!.state, 'AVAILABLE');
  const second = await driver.request('CP001');
  assert.ok(second.granted);
  await run(net, 2000);
  assert.equal((await cp.unplug()).ok, true);
  await flush(net);
  assert.equal((await driver.ticketFor(second.sessionId))?.reason, 'unplugged');
  assert.equal((await cp.unplug()).ok, false);
  await net.close();
});

test('a CP process that dies: DISCONNECTED within the timeout and the supply ends with a ticket', async () => {
  const net = await startNetwork();
  const { central, driver } = net;
  const answer = await driver.request('CP001');
  assert.ok(answer.granted);
  await run(net, 3000);
  const delivered = central.store.getSnapshot().cps[0]!.supply!.kwh;
  await net.cps.get('CP001')!.close(); // like kill -9: no goodbye
  await run(net, 3600);
  assert.equal(central.store.getSnapshot().cps[0]!.state, 'DISCONNECTED');
  const ticket = await driver.ticketFor(answer.sessionId);
  assert.equal(ticket?.reason, 'cp-disconnected');
  assert.equal(ticket?.kwh, chargeTicket(delivered, 0.35).kwh);
  await net.close();
});

test('a second charge point process with a live id is refused and says why', async () => {
  const net = await startNetwork();
  const { startChargePoint } = await import('../../src/roles/cp/index.js');
  const twin = await startChargePoint({ bus: net.bus, clock: net.clock, groups: { main: 'cp-CP001-group' }, id: 'CP001' });
  await run(net, 500);
  assert.equal(await twin.registered, 'refused');
  assert.match(twin.store.getSnapshot().refusedReason ?? '', /another running process/);
  assert.equal(net.central.store.getSnapshot().cps[0]!.instanceId, net.cps.get('CP001')!.store.getSnapshot().instanceId);
  await twin.close();
  await net.close();
});

test('snapshots are immutable and change identity only on change', async () => {
  const net = await startNetwork();
  const a = net.central.store.getSnapshot();
  assert.equal(net.central.store.getSnapshot(), a);
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.cps[0]));
  let notified = 0;
  const unsubscribe = net.central.store.subscribe(() => notified++);
  await net.central.stop('CP001');
  assert.ok(notified > 0);
  assert.notEqual(net.central.store.getSnapshot(), a);
  unsubscribe();
  await net.close();
  assert.equal(net.clock.pendingTimers(), 0, 'every role stopped its timers');
});
