import { roundKwh } from '../../src/protocol/money.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork } from '../helpers/role-process.js';

const net = new TestNetwork({ heartbeatTimeoutMs: 2000 });
after(() => net.stopAll());

test('a CP process killed mid-supply: DISCONNECTED within the timeout, the driver gets a ticket for what was delivered', async () => {
  const central = net.central();
  await central.waitForKind('kafka-connected');
  const cp = net.cp('CPK', ['--speed', '40', '--price', '0.30']);
  await central.waitForKind('cp-registered', { cpId: 'CPK' });
  const driver = net.driver('DK', ['--cp', 'CPK']);
  await driver.waitFor((e) => e.kind === 'progress' && Number(e['seq']) >= 2, 'three readings');

  cp.signal('SIGKILL');
  const killedAt = Date.now();
  const disconnected = await central.waitForKind('cp-disconnected', { cpId: 'CPK' }, 10000);
  // Timeout 2 s after the last heartbeat (sent at most 1 s before the kill), checked every few hundred ms.
  assert.ok(disconnected.at - killedAt < 2000 + 1500, `DISCONNECTED ${disconnected.at - killedAt} ms after the kill`);

  const { code } = await driver.exited;
  assert.equal(code, 1, 'an interrupted supply is not a completed service');
  const tickets = driver.events.filter((e) => e.kind === 'ticket');
  assert.equal(tickets.length, 1);
  const ticket = tickets[0]!;
  assert.equal(ticket['reason'], 'cp-disconnected');
  const progress = driver.events.filter((e) => e.kind === 'progress');
  const lastKwh = Number(progress.at(-1)!['kwh']);
  assert.ok(lastKwh > 0);
  assert.equal(ticket['kwh'], roundKwh(lastKwh), 'the ticket bills the energy of the last reading');
  assert.equal(Math.round(Number(ticket['totalEur']) * 100), Math.round(Number(ticket['kwh']) * 0.3 * 100));
  await central.waitForCpState('CPK', 'DISCONNECTED');
});
