import { roundKwh } from '../../src/protocol/money.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork } from '../helpers/role-process.js';
import { clusterSkip } from './cluster-control.js';

const net = new TestNetwork({ partitions: 3, heartbeatTimeoutMs: 3000 });
after(() => net.stopAll());

test('a CP killed mid-supply: DISCONNECTED within the timeout, a ticket for what was delivered; back again it registers and is AVAILABLE', { skip: clusterSkip, timeout: 120_000 }, async (t) => {
  const central = net.central();
  await central.waitForKind('serving', {}, 30000);
  const cp = net.cp('CPD1', ['--speed', '10', '--price', '0.5']);
  await central.waitForKind('cp-registered', { cpId: 'CPD1' }, 30000);
  const driver = net.driver('DD1', ['--cp', 'CPD1']);
  await driver.waitFor((e) => e.kind === 'progress' && Number(e['seq']) >= 2, 'three readings', 30000);

  cp.signal('SIGKILL');
  const killedAt = Date.now();
  const gone = await central.waitForKind('cp-disconnected', { cpId: 'CPD1' }, 15000);
  t.diagnostic(`DISCONNECTED ${gone.at - killedAt} ms after the kill (timeout 3000 ms)`);
  assert.ok(gone.at - killedAt <= 3000 + 1500, `${gone.at - killedAt} ms`);
  const { code } = await driver.exited;
  assert.equal(code, 1);
  const ticket = driver.events.find((e) => e.kind === 'ticket')!;
  assert.equal(ticket['reason'], 'cp-disconnected');
  const lastKwh = Number(driver.events.filter((e) => e.kind === 'progress').at(-1)!['kwh']);
  assert.equal(ticket['kwh'], roundKwh(lastKwh));

  const again = net.cp('CPD1', ['--speed', '10', '--price', '0.5']);
  await again.waitForKind('registered', {}, 30000);
  await central.waitForCpState('CPD1', 'AVAILABLE');
});
