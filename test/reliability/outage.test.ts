import { roundKwh } from '../../src/protocol/money.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork, type RoleProcess } from '../helpers/role-process.js';
import { clusterSkip, kafkaAsync, longestGap, mustKafka, sleep, watchClusterReturn } from './cluster-control.js';
import { TOPIC_KEYS } from '../../src/bus/topics.js';

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
  // Drivers take commands on stdin, so every supply lasts until the outage is over and measured.
  const drivers = cps.map((_, i) => net.driver(`DO${i}`));
  for (const [i, d] of drivers.entries()) {
    await d.waitForKind('ready', {}, 30000);
    d.send(`request CPO${i}`);
  }
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
  // All at once: a node alone cannot start, it needs a quorum of controllers. Recovery is measured
  // from the moment the cluster answers metadata again, whole (every broker, every partition led),
  // not from the restart command: the brokers' own start is Kafka's time, not evcharge's.
  const restarted = kafkaAsync('up', '--nodes', '3');
  const back = await watchClusterReturn(TOPIC_KEYS.map((k) => `${net.tag}.${k}`), 3);
  await restarted;
  t.diagnostic(`the cluster answered metadata ${back.firstAnswerAt - downAt} ms after the first kill, whole ${back.wholeAt - back.firstAnswerAt} ms later`);
  const serving = await central.waitFor((e) => e.kind === 'serving' && e.at >= downAt, 'serving again', 60000);
  for (const r of roles) await r.waitFor((e) => e.kind === 'bus-status' && e['state'] === 'connected' && e.at >= back.firstAnswerAt - 2000, 'connected again', 60000);
  const resumed = await Promise.all(drivers.map((d) => d.waitFor((e) => e.kind === 'progress' && e.at >= back.wholeAt, 'progress again', 60000)));
  const centralMs = serving.at - back.wholeAt;
  const driversMs = Math.max(...resumed.map((e) => e.at - back.wholeAt));
  t.diagnostic(`after the cluster was whole again: central serving in ${centralMs} ms, every driver's progress in ${driversMs} ms`);
  console.log(`[reliability] ${OUTAGE_MS / 1000} s outage: central serving ${centralMs} ms, drivers' progress ${driversMs} ms after the cluster answered whole`);

  for (const d of drivers) assert.equal(d.count('ticket'), 0, `${d.name}: the supply went on through the outage`);
  for (const d of drivers) d.send('stop');
  for (const d of drivers) await d.waitForKind('ticket', {}, 30000);
  for (const d of drivers) d.send('quit');
  const results = await Promise.all(drivers.map((d) => d.exited));
  results.forEach((r, i) => assert.equal(r.code, 0, drivers[i]!.outcome()));
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
  // Point 6 of the reliability issue asks for 5 s. Reported, not yet asserted: 2.3-8.0 s here
  // (median 4.0 s), most of it central's lease group forming again after the coordinator loads
  // (see the README's failure section).
  console.log(`[reliability] ${OUTAGE_MS / 1000} s outage: longest progress stall ${stall} ms`);
});
