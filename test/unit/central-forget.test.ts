import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OperatorSession, parseOperatorLine, planForget, startCentral } from '../../src/roles/central/index.js';
import { startDriver } from '../../src/roles/driver/index.js';
import { CENTRAL_GROUPS, FakeCp, runWithHeartbeats, startTestCentral, stateOf } from './fakes.js';
import { flush, testNet } from './helpers.js';

/** CP1 and CP2 registered; CP2 stops heartbeating and is DISCONNECTED; CP1 stays AVAILABLE. */
async function networkWithAGoneCp() {
  const net = testNet();
  const central = await startTestCentral(net);
  const standby = await startCentral({ bus: net.bus, clock: net.clock, groups: { ...CENTRAL_GROUPS, state: 'central-group-state-2' } });
  const driver = await startDriver({ bus: net.bus, clock: net.clock, id: 'D1', groups: { main: 'driver-D1-group', state: 'driver-D1-state' } });
  const cp1 = new FakeCp(net, 'CP1');
  const cp2 = new FakeCp(net, 'CP2');
  await cp1.register();
  await cp2.register();
  await flush(net);
  await runWithHeartbeats(net, 8000, [cp1]);
  assert.equal(stateOf(central, 'CP2')?.state, 'DISCONNECTED');
  assert.equal(stateOf(central, 'CP1')?.state, 'AVAILABLE');
  return { net, central, standby, driver, cp1, cp2 };
}

test('forget parses one id or a pattern, with an optional yes', () => {
  assert.deepEqual(parseOperatorLine('forget CP001'), { kind: 'forget', target: 'CP001', confirmed: false });
  assert.deepEqual(parseOperatorLine('FORGET DEMO-* yes'), { kind: 'forget', target: 'DEMO-*', confirmed: true });
  assert.match((parseOperatorLine('forget') as { text: string }).text, /usage: forget/);
  assert.match((parseOperatorLine('forget CP1 now') as { text: string }).text, /usage: forget/);
  assert.match((parseOperatorLine('forget CP#1') as { text: string }).text, /"CP#1" may only contain/);
});

test('only DISCONNECTED charge points without an open supply can be forgotten, and a pattern says which stay', async () => {
  const { central, standby, driver } = await networkWithAGoneCp();
  const cps = central.store.getSnapshot().cps;
  assert.deepEqual(planForget(cps, 'CP*').forget.map((cp) => cp.id), ['CP2']);
  assert.deepEqual(planForget(cps, 'CP*').kept, [{ id: 'CP1', why: 'AVAILABLE: only a DISCONNECTED charge point can be forgotten' }]);
  assert.deepEqual(planForget(cps, 'CP?').forget, [], 'only * is a wildcard');
  const refused = await central.forget('CP1');
  assert.equal(refused.ok, false);
  assert.match(refused.text, /CP1 stays \(AVAILABLE: only a DISCONNECTED/);
  assert.equal((await central.forget('NOPE')).text, 'no charge point matches NOPE');
  assert.ok(stateOf(central, 'CP1'), 'nothing was removed');
  await Promise.all([driver.close(), standby.close(), central.close()]);
});

test('stdin forget asks first; yes removes the CP from central, the standby, the driver and cp-state', async () => {
  const { net, central, standby, driver, cp1 } = await networkWithAGoneCp();
  assert.deepEqual(driver.store.getSnapshot().cps.map((cp) => cp.id), ['CP1', 'CP2']);
  const operator = new OperatorSession(central);

  // Anything but yes keeps it, and the line is still run as itself.
  const asked = await operator.run('forget CP*');
  assert.equal(asked?.ok, true);
  assert.match(asked!.text, /^forget CP2\? It leaves every screen, cp-state and the totals\. CP1 stays \(AVAILABLE/);
  assert.match(asked!.text, /type yes to forget/);
  const cancelled = await operator.run('status');
  assert.match(cancelled!.text, /^forget CP\* cancelled\nCP1 /);
  assert.ok(stateOf(central, 'CP2'));

  await operator.run('forget CP2');
  const done = await operator.run('yes');
  assert.deepEqual(done, { ok: true, text: 'forgot CP2' });
  await flush(net);
  assert.equal(stateOf(central, 'CP2'), undefined);
  assert.equal(stateOf(standby, 'CP2'), undefined, 'the standby read the tombstone');
  assert.deepEqual(driver.store.getSnapshot().cps.map((cp) => cp.id), ['CP1'], 'the driver read the tombstone');
  const last = net.bus.read('cp-state').filter((r) => r.key === 'CP2').at(-1);
  assert.equal(last?.value, null, 'the CP2 key ends in a tombstone, which compaction removes');

  // A standby cannot forget; a central that takes over does not bring the CP back.
  assert.match((await new OperatorSession(standby).run('forget CP1'))!.text, /^standby: read-only/);
  await central.close();
  await flush(net);
  await runWithHeartbeats(net, 1000, [cp1]);
  assert.equal(standby.store.getSnapshot().phase, 'serving');
  assert.deepEqual(standby.store.getSnapshot().cps.map((cp) => cp.id), ['CP1']);
  await Promise.all([driver.close(), standby.close()]);
});

test('a forgotten CP that registers again is known again, to central and to drivers', async () => {
  const { net, central, driver } = await networkWithAGoneCp();
  assert.equal((await central.forget('CP2')).ok, true);
  const again = new FakeCp(net, 'CP2');
  await again.register();
  await flush(net);
  assert.equal(stateOf(central, 'CP2')?.state, 'AVAILABLE');
  assert.deepEqual(driver.store.getSnapshot().cps.map((cp) => cp.id), ['CP1', 'CP2']);
  await Promise.all([driver.close(), central.close()]);
});
