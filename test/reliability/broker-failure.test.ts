import { roundKwh } from '../../src/protocol/money.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork, type RoleProcess } from '../helpers/role-process.js';
import { clusterSkip, fencedAfter, kafkaAsync, leadersOf, longestGap, mustKafka, sleep, waitForFullIsr } from './cluster-control.js';
import { TOPIC_KEYS } from '../../src/bus/topics.js';

const SUPPLIES = Number(process.env.EVCHARGE_TEST_SUPPLIES ?? 20);
// Forty role processes share two cores here: a 6 s heartbeat timeout keeps a busy machine's
// scheduling hiccups from reading as dead CPs (the failover itself is covered by PartitionWatch).
const net = new TestNetwork({ partitions: 3, heartbeatTimeoutMs: 6000 });
after(async () => {
  await net.stopAll();
  for (const n of ['1', '2', '3']) if (/down/.test(mustKafka('status').split('\n').find((l) => l.startsWith(`node ${n}:`)) ?? '')) mustKafka('start-node', n);
});

test(`a broker dies during ${SUPPLIES} supplies, then another: every supply completes, no telemetry lost, one ticket each`, { skip: clusterSkip, timeout: 400_000 }, async (t) => {
  const central = net.central();
  await central.waitForKind('serving', {}, 30000);
  const cps: RoleProcess[] = [];
  const drivers: RoleProcess[] = [];
  // Started a little apart: forty processes loading at once on two cores starve each other.
  // Drivers take commands on stdin, so every supply lasts until the failures are over.
  for (let i = 0; i < SUPPLIES; i++) {
    cps.push(net.cp(`CPB${i}`, ['--speed', '10', '--price', '0.31']));
    drivers.push(net.driver(`DB${i}`));
    await sleep(300);
  }
  for (let i = 0; i < SUPPLIES; i++) await central.waitForKind('cp-registered', { cpId: `CPB${i}` }, 60000);
  for (const [i, d] of drivers.entries()) {
    await d.waitForKind('ready', {}, 60000);
    d.send(`request CPB${i}`);
  }
  for (const d of drivers) await d.waitFor((e) => e.kind === 'progress' && Number(e['seq']) >= 1, 'two readings', 90000);

  const telemetry = `${net.tag}.telemetry`;
  const topics = TOPIC_KEYS.map((k) => `${net.tag}.${k}`);
  const first = (await leadersOf(telemetry))[0]!;
  const firstAt = Date.now();
  mustKafka('kill-node', String(first));
  const firstFenced = fencedAfter(first, topics, firstAt);
  t.diagnostic(`killed node ${first} (led most telemetry partitions)`);
  await sleep(10000);
  mustKafka('start-node', String(first));
  const caughtUp = await waitForFullIsr(topics);
  t.diagnostic(`node ${first} back in sync ${caughtUp} ms after its start`);
  const second = (await leadersOf(telemetry)).find((n) => n !== first)!;
  const secondAt = Date.now();
  mustKafka('kill-node', String(second));
  const secondFenced = fencedAfter(second, topics, secondAt);
  t.diagnostic(`killed node ${second}`);
  await sleep(10000);
  const restart = kafkaAsync('start-node', String(second));
  // Every supply was live through both failures: none has ended on its own.
  for (const [i, d] of drivers.entries()) assert.equal(d.count('ticket'), 0, `DB${i} supply ended during the failures`);
  await sleep(3000);
  for (const d of drivers) d.send('stop');
  for (const d of drivers) await d.waitForKind('ticket', {}, 90000);
  for (const d of drivers) d.send('quit');

  const results = await Promise.all(drivers.map((d) => d.exited));
  results.forEach((r, i) => assert.equal(r.code, 0, drivers[i]!.outcome()));
  // Each failure's stall against that failure's fencing (when the dead node led nothing any
  // more): point 6 of the reliability issue asks for at most fencing + 2 s.
  const fencing = [await firstFenced, await secondFenced];
  const windows = [
    { at: firstAt, until: secondAt, fenced: fencing[0]! },
    { at: secondAt, until: secondAt + 60_000, fenced: fencing[1]! },
  ];
  // The longest gap between a driver's progress lines from its last one before the kill until
  // the next failure (or a minute), over every driver. A gap still open at the window's end counts
  // up to the next line after it: a stall that outlasts the window is the longest of all.
  const stallAfter = (at: number, until: number) =>
    Math.max(
      ...drivers.map((d) => {
        const all = d.events.filter((e) => e.kind === 'progress').map((e) => e.at);
        const from = Math.max(...all.filter((x) => x <= at));
        const next = all.find((x) => x > until);
        const times = [...all.filter((x) => x >= from && x <= until), ...(next === undefined ? [] : [next])];
        let worst = 0;
        for (let i = 1; i < times.length; i++) worst = Math.max(worst, times[i]! - times[i - 1]!);
        return worst;
      }),
    );
  const perFailure = windows.map((w) => ({ stall: stallAfter(w.at, w.until), fenced: w.fenced }));
  let stall = 0;
  for (const [i, d] of drivers.entries()) {
    const tickets = d.events.filter((e) => e.kind === 'ticket');
    assert.equal(tickets.length, 1, `DB${i} got exactly one ticket`);
    const ticket = tickets[0]!;
    assert.equal(ticket['reason'], 'driver-stop');
    // What the CP measured is what the driver pays for: nothing was lost on the way.
    const cpEnd = await cps[i]!.waitForKind('supply-ended', { sessionId: ticket['sessionId'] });
    assert.equal(roundKwh(Number(cpEnd['kwh'])), Number(ticket['kwh']), `DB${i} kWh`);
    assert.equal(Math.round(Number(ticket['totalEur']) * 100), Math.round(Number(ticket['kwh']) * 0.31 * 100));
    stall = Math.max(stall, longestGap(d.events, 'progress'));
  }
  assert.equal(central.count('telemetry-gap'), 0, 'central saw every telemetry sequence number');
  assert.equal(central.count('cp-disconnected'), 0, 'no CP was declared dead because a broker was');
  for (const r of [central, ...cps]) assert.equal(r.exitCode(), null, `${r.name} is still running`);
  await restart;
  t.diagnostic(`longest stall of a driver's live progress: ${stall} ms`);
  for (const [k, f] of perFailure.entries()) t.diagnostic(`failure ${k + 1}: fenced after ${f.fenced} ms, longest stall ${f.stall} ms (${f.stall - f.fenced} ms past fencing)`);
  console.log(
    `[reliability] broker failover: longest progress stall ${stall} ms over ${SUPPLIES} supplies; ` +
      perFailure.map((f, k) => `failure ${k + 1} fenced after ${f.fenced} ms, stall ${f.stall} ms`).join('; '),
  );
});
