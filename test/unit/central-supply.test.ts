import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chargeTicket } from '../../src/protocol/index.js';
import type { Central } from '../../src/roles/central/index.js';
import { flush, run, sent, testNet, type TestNet } from './helpers.js';
import { FakeCp, FakeDriver, runWithHeartbeats, startTestCentral, stateOf } from './fakes.js';

/** A central with CP1 supplying D1 (confirmed, one telemetry of 1.2345 kWh). */
async function charging(net: TestNet, central?: Central) {
  central ??= await startTestCentral(net);
  const cp = new FakeCp(net, 'CP1', 0.4);
  const driver = new FakeDriver(net, 'D1');
  await cp.register();
  await flush(net);
  const requestId = await driver.request('CP1');
  await flush(net);
  const answer = driver.answer(requestId);
  if (!answer.granted) throw new Error('expected a grant');
  const start = sent(net, 'cp-commands', 'cmd.start-supply').at(-1)!;
  assert.equal(start.payload.instanceId, cp.instanceId);
  assert.equal(start.payload.sessionId, answer.sessionId);
  await cp.started(answer.sessionId, 'D1');
  await cp.telemetry(answer.sessionId, 0, 1.2345);
  await flush(net);
  return { central, cp, driver, sessionId: answer.sessionId, requestId };
}

test('telemetry is relayed to the driver only; unplug ends with exactly one ticket, even when redelivered', async () => {
  const net = testNet();
  const { central, cp, driver, sessionId } = await charging(net);
  const other = new FakeDriver(net, 'D2');
  const view = stateOf(central, 'CP1');
  assert.equal(view?.state, 'CHARGING');
  assert.equal(view?.supply?.driverId, 'D1');
  assert.equal(view?.supply?.eur, chargeTicket(1.2345, 0.4).totalEur);
  assert.equal(driver.progress().length, 1);
  assert.equal(other.progress().length, 0);
  assert.ok(sent(net, 'driver-updates', 'driver.progress').every((m) => m.payload.driverId === 'D1'));

  const telemetryId = await cp.telemetry(sessionId, 1, 2.0);
  await cp.telemetry(sessionId, 1, 2.0, telemetryId); // same message again
  await cp.telemetry(sessionId, 1, 2.0); // same seq, new id
  await flush(net);
  assert.equal(driver.progress().length, 2);
  assert.ok(central.counters().duplicates >= 2);

  const endId = await cp.ended(sessionId, 2, 2.5004, 'unplugged');
  await flush(net);
  await cp.ended(sessionId, 2, 2.5004, 'unplugged', endId);
  await cp.ended(sessionId, 2, 2.5004, 'unplugged');
  await flush(net);
  const tickets = driver.tickets();
  assert.equal(tickets.length, 1);
  const t = tickets[0]!;
  assert.equal(t.sessionId, sessionId);
  assert.equal(t.reason, 'unplugged');
  assert.equal(t.kwh, 2.5);
  assert.equal(t.totalEur, 1.0);
  assert.equal(t.pricePerKwh, 0.4);
  assert.equal(stateOf(central, 'CP1')?.state, 'AVAILABLE');
  assert.equal(stateOf(central, 'CP1')?.totals.sessions, 1);
  await central.close();
});

test('a telemetry sequence gap is reported as an event and counted', async () => {
  const net = testNet();
  const { central, cp, sessionId } = await charging(net);
  const gaps: unknown[] = [];
  central.onEvent((e) => e.kind === 'telemetry-gap' && gaps.push(e.data));
  await cp.telemetry(sessionId, 4, 3);
  await flush(net);
  assert.deepEqual(gaps, [{ cpId: 'CP1', sessionId, expected: 1, got: 4 }]);
  assert.equal(central.telemetryGaps(), 1);
  assert.equal(stateOf(central, 'CP1')?.supply?.kwh, 3, 'cumulative energy is kept despite the gap');
  await central.close();
});

test('driver stop: central tells the CP, and the ticket follows its final energy', async () => {
  const net = testNet();
  const { central, cp, driver, sessionId } = await charging(net);
  await driver.stop();
  await flush(net);
  const stops = sent(net, 'cp-commands', 'cmd.stop-supply');
  assert.equal(stops.length, 1);
  assert.equal(stops[0]!.payload.sessionId, sessionId);
  await cp.ended(sessionId, 1, 3.1, 'stopped');
  await flush(net);
  assert.deepEqual(driver.tickets().map((t) => [t.reason, t.kwh, t.totalEur]), [['driver-stop', 3.1, 1.24]]);
  assert.equal(stateOf(central, 'CP1')?.state, 'AVAILABLE');
  await central.close();
});

test('central stop ends the supply (OUT_OF_SERVICE), resume makes it AVAILABLE; the same for all', async () => {
  const net = testNet();
  const { central, cp, driver, sessionId } = await charging(net);
  const cp2 = new FakeCp(net, 'CP2');
  await cp2.register();
  await flush(net);

  const stopped = await central.stop('CP1');
  assert.equal(stopped.ok, true);
  await flush(net);
  assert.equal(stateOf(central, 'CP1')?.state, 'OUT_OF_SERVICE');
  assert.equal(sent(net, 'cp-commands', 'cmd.stop-supply').length, 1);
  await cp.ended(sessionId, 1, 1.5, 'stopped');
  await flush(net);
  assert.deepEqual(driver.tickets().map((t) => t.reason), ['central-stop']);
  assert.equal(stateOf(central, 'CP1')?.state, 'OUT_OF_SERVICE');
  assert.equal((await central.resume('CP1')).ok, true);
  assert.equal(stateOf(central, 'CP1')?.state, 'AVAILABLE');

  assert.equal((await central.stop('all')).text, 'stopped 2 of 2 charge points');
  assert.deepEqual(central.store.getSnapshot().cps.map((c) => c.state), ['OUT_OF_SERVICE', 'OUT_OF_SERVICE']);
  const services = sent(net, 'cp-commands', 'cmd.set-service').filter((m) => !m.payload.inService);
  assert.ok(services.some((m) => m.payload.cpId === 'CP2'));
  await central.resume('all');
  assert.deepEqual(central.store.getSnapshot().cps.map((c) => c.state), ['AVAILABLE', 'AVAILABLE']);
  assert.equal((await central.stop('CP9')).ok, false);
  await central.close();
});

test('a fault ends the supply at once with a ticket; recover makes the CP AVAILABLE', async () => {
  const net = testNet();
  const { central, cp, driver, sessionId } = await charging(net);
  await cp.fault();
  await cp.ended(sessionId, 1, 1.7, 'faulted');
  await flush(net);
  assert.equal(stateOf(central, 'CP1')?.state, 'FAULTED');
  assert.deepEqual(driver.tickets().map((t) => [t.reason, t.kwh]), [['cp-fault', 1.7]]);
  await cp.recover();
  await flush(net);
  assert.equal(stateOf(central, 'CP1')?.state, 'AVAILABLE');
  await central.close();
});

test('no heartbeat within the timeout: DISCONNECTED, ticket for what was delivered; replayed heartbeats ignored', async () => {
  const net = testNet();
  const { central, cp, driver } = await charging(net);
  await runWithHeartbeats(net, 2000, [cp]);
  assert.equal(stateOf(central, 'CP1')?.state, 'CHARGING');
  await run(net, 3500);
  assert.equal(stateOf(central, 'CP1')?.state, 'DISCONNECTED');
  assert.deepEqual(driver.tickets().map((t) => [t.reason, t.kwh, t.totalEur]), [['cp-disconnected', 1.235, 0.49]]);
  await cp.heartbeat('idle', null, net.clock.now() - 10_000); // an old heartbeat read late
  await flush(net);
  assert.equal(stateOf(central, 'CP1')?.state, 'DISCONNECTED');
  await cp.heartbeat();
  await flush(net);
  assert.equal(stateOf(central, 'CP1')?.state, 'AVAILABLE');
  assert.equal(driver.tickets().length, 1);
  await central.close();
});

test('a second live process with the same id is refused; once the first is gone it may register', async () => {
  const net = testNet();
  const central = await startTestCentral(net);
  const first = new FakeCp(net, 'CP1');
  const second = new FakeCp(net, 'CP1');
  await first.register();
  await flush(net);
  await first.heartbeat();
  await flush(net);
  await second.register();
  await flush(net);
  const ack = sent(net, 'cp-register-ack', 'cp.register-ack').find((m) => m.payload.instanceId === second.instanceId);
  assert.equal(ack?.payload.accepted, false);
  assert.match(ack?.payload.reason ?? '', /already registered by another running process/);
  assert.equal(stateOf(central, 'CP1')?.instanceId, first.instanceId);

  await run(net, 4000); // the first stops heartbeating
  await second.register();
  await flush(net);
  const acks = sent(net, 'cp-register-ack', 'cp.register-ack').filter((m) => m.payload.instanceId === second.instanceId);
  assert.equal(acks.at(-1)?.payload.accepted, true);
  assert.equal(stateOf(central, 'CP1')?.state, 'AVAILABLE');
  await central.close();
});

test('a CP that restarts (a new process registers its id) keeps its totals and today\'s figures', async () => {
  const net = testNet();
  const { central, cp, sessionId } = await charging(net);
  await cp.ended(sessionId, 1, 2.5, 'unplugged');
  await flush(net);
  const before = central.store.getSnapshot().totals;
  assert.equal(before.today.sessions, 1);
  assert.ok(before.today.kwh > 0);

  await cp.heartbeat();
  await flush(net);
  await run(net, 4000); // the old process is gone
  const again = new FakeCp(net, 'CP1', 0.4);
  await again.register();
  await flush(net);
  assert.equal(stateOf(central, 'CP1')?.instanceId, again.instanceId);
  const after = central.store.getSnapshot().totals;
  assert.deepEqual(after.today, before.today, 'today is the network\'s, not a process\'s');
  assert.equal(after.sessions, before.sessions);
  await central.close();
});

test('after a restart central rebuilds CPs and open supplies from cp-state; one ticket in all', async () => {
  const net = testNet();
  const { central, cp, driver, sessionId, requestId } = await charging(net);
  const idle = new FakeCp(net, 'CP2');
  await idle.register();
  await flush(net);
  await central.close();

  await cp.telemetry(sessionId, 1, 2.0); // produced while central is down
  await flush(net);
  const restarted = await startTestCentral(net);
  await flush(net);
  const snap = restarted.store.getSnapshot();
  // A change of central is no reason to call a CP DISCONNECTED: each is adopted as recorded.
  assert.deepEqual(snap.cps.map((c) => [c.id, c.state]), [['CP1', 'CHARGING'], ['CP2', 'AVAILABLE']]);
  assert.equal(snap.cps[0]!.supply?.sessionId, sessionId);
  assert.equal(snap.cps[0]!.supply?.kwh, 2.0, 'telemetry from the downtime was applied');

  await cp.heartbeat('supplying', sessionId);
  await flush(net);
  assert.equal(stateOf(restarted, 'CP1')?.state, 'CHARGING');
  // The old request, re-sent, still gets the same grant, not a second session.
  await driver.request('CP1', requestId);
  await flush(net);
  assert.ok(driver.answers(requestId).every((a) => a.payload.granted && a.payload.sessionId === sessionId));

  await cp.ended(sessionId, 2, 2.2, 'unplugged');
  await flush(net);
  await runWithHeartbeats(net, 5000, [cp]);
  assert.deepEqual(driver.tickets().map((t) => [t.sessionId, t.kwh]), [[sessionId, 2.2]]);
  // CP2 never heartbeat to the new central: one timeout after the restart it is DISCONNECTED.
  assert.equal(stateOf(restarted, 'CP2')?.state, 'DISCONNECTED');
  assert.equal(stateOf(restarted, 'CP1')?.state, 'AVAILABLE');
  await restarted.close();
});

test('close stops central\'s timers', async () => {
  const net = testNet();
  const central = await startTestCentral(net);
  await central.close();
  await central.close();
  assert.equal(net.clock.pendingTimers(), 0);
  assert.equal(central.store.getSnapshot().phase, 'closed');
});

test("today's totals count the sessions that ended on central's local day, and start again the next day", async () => {
  const net = testNet();
  const { central, cp, sessionId } = await charging(net);
  await cp.ended(sessionId, 1, 2.5, 'unplugged');
  await flush(net);
  const totals = central.store.getSnapshot().totals;
  assert.deepEqual(totals.today, { sessions: 1, kwh: 2.5, eur: 1.0 });
  assert.equal(totals.sessions, 1);

  // A day later the day's figures are zero; the all-time ones stay.
  await run(net, 24 * 60 * 60 * 1000, 60_000);
  const next = central.store.getSnapshot().totals;
  assert.deepEqual(next.today, { sessions: 0, kwh: 0, eur: 0 });
  assert.equal(next.sessions, 1);
  assert.equal(next.kwh, 2.5);
});

test('every reading reaches the driver and the monitor; cp-state carries live figures at most every 5 s, a state change at once', async () => {
  const net = testNet();
  const { central, cp, driver, sessionId } = await charging(net);
  const states = () => sent(net, 'cp-state', 'cp.state').filter((m) => m.payload.id === 'CP1');
  const before = states().length;
  for (let seq = 1; seq <= 10; seq++) {
    await cp.heartbeat('supplying', sessionId);
    await cp.telemetry(sessionId, seq, 1.2345 + seq * 0.1);
    await run(net, 1000);
    assert.equal(stateOf(central, 'CP1')?.supply?.lastSeq, seq, 'the monitor shows each reading');
  }
  assert.deepEqual(driver.progress().slice(-10).map((p) => p.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'the driver gets each reading');
  const live = states().slice(before);
  assert.ok(live.length >= 1 && live.length <= 3, `10 readings in 10 s made ${live.length} cp-state records (at most one per 5 s)`);
  for (let t = 0; t < 5; t++) {
    await cp.heartbeat('supplying', sessionId);
    await run(net, 1000);
  }
  assert.equal(states().at(-1)?.payload.supply?.lastSeq, 10, 'the last reading reaches cp-state within 5 s');

  const quiet = states().length;
  await cp.fault();
  await flush(net);
  assert.equal(states().length, quiet + 1, 'a fault goes out with the next commit');
  assert.equal(states().at(-1)?.payload.faulted, true);
  await central.close();
});

test('a central that adopts a supply from cp-state takes the next reading as its baseline, not as a gap', async () => {
  const net = testNet();
  const { central, cp, sessionId } = await charging(net);
  for (let seq = 1; seq <= 3; seq++) await cp.telemetry(sessionId, seq, 1.3 + seq * 0.1);
  await flush(net);
  await central.close();
  const restarted = await startTestCentral(net);
  await flush(net);
  const gaps: unknown[] = [];
  restarted.onEvent((e) => e.kind === 'telemetry-gap' && gaps.push(e.data));
  // cp-state may hold an older seq than the last applied one: the first reading re-bases.
  await cp.telemetry(sessionId, 9, 2.5);
  await flush(net);
  assert.deepEqual(gaps, []);
  await cp.telemetry(sessionId, 12, 2.8);
  await flush(net);
  assert.deepEqual(gaps, [{ cpId: 'CP1', sessionId, expected: 10, got: 12 }], 'after the baseline a gap is a gap again');
  await restarted.close();
});
