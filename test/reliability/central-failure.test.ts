import { roundKwh } from '../../src/protocol/money.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork, type RoleProcess } from '../helpers/role-process.js';
import { clusterSkip, mustKafka } from './cluster-control.js';

const net = new TestNetwork({ partitions: 3 });
after(() => net.stopAll());
const SUPPLIES = 4;

/** The `totals:` line of central's status answer. */
async function totals(central: RoleProcess): Promise<string> {
  const text = await central.ask('status', (t) => /^totals:/m.test(t), 'status with totals');
  return /^totals:.*$/m.exec(text)![0];
}

test('central killed mid-supply and restarted: serving within 5 s of the kill, each ticket once, kWh as the CP measured; a replay from offset 0 changes nothing', { skip: clusterSkip, timeout: 240_000 }, async (t) => {
  const first = net.central();
  await first.waitForKind('serving', {}, 30000);
  const cps: RoleProcess[] = [];
  for (let i = 0; i < SUPPLIES; i++) cps.push(net.cp(`CPC${i}`, ['--speed', '10', '--price', '0.4']));
  for (let i = 0; i < SUPPLIES; i++) await first.waitForKind('cp-registered', { cpId: `CPC${i}` }, 30000);
  const drivers = cps.map((_, i) => net.driver(`DC${i}`, ['--cp', `CPC${i}`, '--seconds', '20']));
  for (const d of drivers) await d.waitFor((e) => e.kind === 'progress' && Number(e['seq']) >= 1, 'two readings', 30000);

  const killedAt = Date.now();
  first.signal('SIGKILL');
  await first.exited;
  const second = net.central();
  const rebuilt = await second.waitForKind('state-rebuilt', {}, 30000);
  const serving = await second.waitForKind('serving', {}, 30000);
  // The lease of the killed central lapses after its session (central.takeover_timeout_ms).
  const servingMs = serving.at - killedAt;
  t.diagnostic(`state rebuilt ${rebuilt.at - killedAt} ms and serving ${servingMs} ms after the kill (${String(rebuilt['cps'])} CPs)`);
  console.log(`[reliability] lone central restarted after kill -9: serving ${servingMs} ms after the kill`);
  assert.equal(rebuilt['cps'], SUPPLIES);
  assert.equal(rebuilt['complete'], true);
  assert.ok(servingMs <= 5000, `serving within 5 s of the kill (took ${servingMs} ms)`);
  assert.equal(second.count('cp-disconnected'), 0, 'no CP was declared DISCONNECTED because central restarted');

  const results = await Promise.all(drivers.map((d) => d.exited));
  results.forEach((r, i) => assert.equal(r.code, 0, drivers[i]!.outcome()));
  for (const [i, d] of drivers.entries()) {
    const tickets = d.events.filter((e) => e.kind === 'ticket');
    assert.equal(tickets.length, 1, `DC${i}: exactly one ticket`);
    const ticket = tickets[0]!;
    const cpEnd = await cps[i]!.waitForKind('supply-ended', { sessionId: ticket['sessionId'] });
    assert.equal(roundKwh(Number(cpEnd['kwh'])), Number(ticket['kwh']), `DC${i}: the ticket bills what the CP measured`);
  }
  const before = await totals(second);
  assert.match(before, new RegExp(`^totals: ${SUPPLIES} sessions`));

  // Replay: rewind central's group to the beginning of every topic and let it apply all again.
  const stopped = await second.stop();
  assert.equal(stopped.code, 0);
  mustKafka('tool', 'consumer-groups', '--group', `${net.tag}-central-group`, '--reset-offsets', '--to-earliest', '--all-topics', '--execute');
  const third = net.central();
  await third.waitForKind('serving', {}, 30000);
  // Wait until the replayed backlog is applied: the last heartbeat of every CP is seen again.
  await new Promise((r) => setTimeout(r, 4000));
  assert.equal(await totals(third), before, 'the replay changed no totals');
  assert.equal(third.count('supply-ended'), 0, 'no supply ended twice');
  assert.equal(third.count('auth-granted'), 0, 'no request granted twice');
  for (const d of drivers) assert.equal(d.count('ticket'), 1);
});
