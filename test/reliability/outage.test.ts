import { roundKwh } from '../../src/protocol/money.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork, type RoleProcess } from '../helpers/role-process.js';
import { clusterSkip, longestGap, mustKafka, sleep } from './cluster-control.js';

const net = new TestNetwork({ partitions: 3 });
after(async () => {
  await net.stopAll();
  mustKafka('up', '--nodes', '3');
});
const SUPPLIES = 3;
const OUTAGE_MS = 20_000;

test('all brokers down for 20 s: every role stays up, says it is retrying, and resumes; supplies end correctly', { skip: clusterSkip, timeout: 240_000 }, async (t) => {
  const central = net.central();
  await central.waitForKind('serving', {}, 30000);
  const cps: RoleProcess[] = [];
  for (let i = 0; i < SUPPLIES; i++) cps.push(net.cp(`CPO${i}`, ['--speed', '5', '--price', '0.25']));
  for (let i = 0; i < SUPPLIES; i++) await central.waitForKind('cp-registered', { cpId: `CPO${i}` }, 30000);
  const drivers = cps.map((_, i) => net.driver(`DO${i}`, ['--cp', `CPO${i}`, '--seconds', '60']));
  for (const d of drivers) await d.waitFor((e) => e.kind === 'progress' && Number(e['seq']) >= 1, 'two readings', 30000);

  // The outage starts with the first kill: a role may say it is retrying before the last one.
  const downAt = Date.now();
  for (const n of ['3', '2', '1']) mustKafka('kill-node', n);
  await sleep(OUTAGE_MS);
  const roles = [central, ...cps, ...drivers];
  for (const r of roles) {
    assert.equal(r.exitCode(), null, `${r.name} is still running during the outage`);
    await r.waitFor((e) => e.kind === 'bus-status' && e['state'] === 'retrying' && e.at >= downAt, 'a retrying line', 1000);
  }
  // All at once: a node alone cannot start, it needs a quorum of controllers.
  mustKafka('up', '--nodes', '3');
  const upAt = Date.now();
  for (const r of roles) await r.waitFor((e) => e.kind === 'bus-status' && e['state'] === 'connected' && e.at >= upAt - 2000, 'connected again', 60000);
  t.diagnostic(`every role connected again within ${Date.now() - upAt} ms of the cluster's return`);

  const results = await Promise.all(drivers.map((d) => d.exited));
  results.forEach((r, i) => assert.equal(r.code, 0, `DO${i}: ${drivers[i]!.stderr}`));
  let stall = 0;
  for (const [i, d] of drivers.entries()) {
    const tickets = d.events.filter((e) => e.kind === 'ticket');
    assert.equal(tickets.length, 1, `DO${i}: one ticket`);
    assert.equal(tickets[0]!['reason'], 'driver-stop');
    const cpEnd = await cps[i]!.waitForKind('supply-ended', { sessionId: tickets[0]!['sessionId'] });
    assert.equal(roundKwh(Number(cpEnd['kwh'])), Number(tickets[0]!['kwh']));
    stall = Math.max(stall, longestGap(d.events, 'progress'));
  }
  assert.equal(central.count('cp-disconnected'), 0, 'no CP was declared dead because the cluster was');
  t.diagnostic(`longest progress stall ${stall} ms (outage ${OUTAGE_MS} ms)`);
  console.log(`[reliability] ${OUTAGE_MS / 1000} s outage: longest progress stall ${stall} ms`);
});
