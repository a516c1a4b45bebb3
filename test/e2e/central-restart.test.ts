import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork } from '../helpers/role-process.js';

const net = new TestNetwork({ heartbeatTimeoutMs: 2000 });
after(() => net.stopAll());

test('central killed and restarted: rebuilds CPs (DISCONNECTED until they heartbeat) and the open supply, one ticket', async () => {
  const first = net.central();
  await first.waitForKind('kafka-connected');
  const supplying = net.cp('CPR1', ['--speed', '20', '--price', '0.5']);
  const quiet = net.cp('CPR2');
  await first.waitForKind('cp-registered', { cpId: 'CPR1' });
  await first.waitForKind('cp-registered', { cpId: 'CPR2' });
  const driver = net.driver('DR', ['--cp', 'CPR1', '--seconds', '12']);
  await driver.waitFor((e) => e.kind === 'progress' && Number(e['seq']) >= 1, 'two readings');

  first.signal('SIGKILL');
  await first.exited;
  // CPR2 stops heartbeating for a while (frozen, not dead): the new central must show it DISCONNECTED.
  quiet.signal('SIGSTOP');
  const second = net.central();
  const rebuilt = await second.waitForKind('state-rebuilt');
  assert.ok(String(rebuilt['text'] ?? JSON.stringify(rebuilt)).length > 0);
  await second.waitForCpState('CPR2', 'DISCONNECTED');
  await second.waitForCpState('CPR1', 'CHARGING');
  quiet.signal('SIGCONT');
  await second.waitForCpState('CPR2', 'AVAILABLE');

  const { code } = await driver.exited;
  assert.equal(code, 0, driver.stderr);
  const tickets = driver.events.filter((e) => e.kind === 'ticket');
  assert.equal(tickets.length, 1, 'exactly one ticket');
  const t = tickets[0]!;
  assert.equal(t['reason'], 'driver-stop');
  assert.ok(Number(t['kwh']) > 0);
  assert.equal(Math.round(Number(t['totalEur']) * 100), Math.round(Number(t['kwh']) * 0.5 * 100));
  await second.waitForKind('supply-ended', { sessionId: t['sessionId'] });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(second.count('supply-ended', { sessionId: t['sessionId'] }), 1);
  assert.equal(driver.count('ticket'), 1, 'no second ticket arrived later');
  await supplying.waitForKind('supply-ended');
});
