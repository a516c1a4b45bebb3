import { roundKwh } from '../../src/protocol/money.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork, type JsonEvent, type RoleProcess } from '../helpers/role-process.js';
import { sleep } from './cluster-control.js';
import { runCli } from '../helpers/run-cli.js';
import type { DoctorReport } from '../../src/kafka/doctor/doctor.js';

/**
 * One active central, warm standbys, fenced takeover: every central is the real binary in a
 * process of its own, against the test run's Kafka, with the default takeover timeout.
 */
const nets: TestNetwork[] = [];
after(() => Promise.all(nets.map((n) => n.stopAll())));

/** The first `active` or `standby` event of a central: what the election made it. */
async function roleOf(central: RoleProcess): Promise<JsonEvent> {
  return central.waitFor((e) => e.kind === 'active' || e.kind === 'standby', 'an election result', 60000);
}

async function twoCentrals(net: TestNetwork): Promise<{ active: RoleProcess; standby: RoleProcess }> {
  const a = net.central();
  const b = net.central();
  const [ra, rb] = await Promise.all([roleOf(a), roleOf(b)]);
  assert.deepEqual([ra.kind, rb.kind].sort(), ['active', 'standby'], 'exactly one central is active');
  return ra.kind === 'active' ? { active: a, standby: b } : { active: b, standby: a };
}

/** N CPs with drivers on stdin, each supply live and metering. */
async function liveSupplies(net: TestNetwork, central: RoleProcess, prefix: string, n: number, price: string) {
  const cps: RoleProcess[] = [];
  const drivers: RoleProcess[] = [];
  for (let i = 0; i < n; i++) {
    cps.push(net.cp(`${prefix}${i}`, ['--speed', '10', '--price', price]));
    drivers.push(net.driver(`D${prefix}${i}`));
    await sleep(200); // two cores: twenty processes loading at once starve each other
  }
  for (let i = 0; i < n; i++) await central.waitForKind('cp-registered', { cpId: `${prefix}${i}` }, 60000);
  for (const [i, d] of drivers.entries()) {
    await d.waitForKind('ready', {}, 60000);
    d.send(`request ${prefix}${i}`);
  }
  for (const d of drivers) await d.waitFor((e) => e.kind === 'progress' && Number(e['seq']) >= 1, 'two readings', 60000);
  return { cps, drivers };
}

/** Stops every supply; each driver gets exactly one ticket, billing what its CP metered. */
async function endAndCheckTickets(cps: RoleProcess[], drivers: RoleProcess[], price: number): Promise<void> {
  for (const d of drivers) d.send('stop');
  for (const d of drivers) await d.waitForKind('ticket', {}, 60000);
  for (const d of drivers) d.send('quit');
  const results = await Promise.all(drivers.map((d) => d.exited));
  results.forEach((r, i) => assert.equal(r.code, 0, drivers[i]!.outcome()));
  for (const [i, d] of drivers.entries()) {
    const tickets = d.events.filter((e) => e.kind === 'ticket');
    assert.equal(tickets.length, 1, `${d.name} got exactly one ticket`);
    assert.equal(tickets[0]!['reason'], 'driver-stop', `${d.name}: the supply ended when the driver stopped it, not before`);
    const cpEnd = await cps[i]!.waitForKind('supply-ended', { sessionId: tickets[0]!['sessionId'] });
    assert.equal(roundKwh(Number(cpEnd['kwh'])), Number(tickets[0]!['kwh']), `${d.name}: the ticket bills what the CP measured`);
    assert.equal(Math.round(Number(tickets[0]!['totalEur']) * 100), Math.round(Number(tickets[0]!['kwh']) * price * 100));
  }
}

const DECISIONS = new Set(['auth-granted', 'auth-denied', 'supply-ended', 'driver-stop']);

test('two centrals started together: exactly one is active, the other a read-only standby; 10 supplies over every partition are served', { timeout: 240_000 }, async () => {
  const net = new TestNetwork({ partitions: 3 });
  nets.push(net);
  const { active, standby } = await twoCentrals(net);
  const said = await standby.waitForKind('standby', {}, 10000);
  // The standby names the active one (it read the announcement from cp-state).
  const named = said['active'] ? said : await standby.waitFor((e) => e.kind === 'standby' && e['active'] !== null, 'the active central named', 10000);
  assert.equal((named['active'] as { pid: number }).pid, active.pid);
  assert.match(String(named['line']), new RegExp(`^standby · active: \\S+ pid ${active.pid} since \\d\\d:\\d\\d:\\d\\d$`));
  // The doctor lists who leads and who stands by ("since" once the active has told the group,
  // at its next join: the claim it joined with was a standby's).
  const doctor = await runCli(['doctor', '--config', net.configPath], { timeoutMs: 60000 });
  assert.match(doctor.stdout, new RegExp(`^  central active   \\S+ pid ${active.pid}( since \\d\\d:\\d\\d:\\d\\d)?$`, 'm'), doctor.stdout);
  assert.match(doctor.stdout, new RegExp(`^  central standby  \\S+ pid ${standby.pid} \\(started`, 'm'), doctor.stdout);
  const report = JSON.parse((await runCli(['doctor', '--config', net.configPath, '--json'], { timeoutMs: 60000 })).stdout) as DoctorReport;
  assert.equal(report.groups.centrals?.active?.pid, active.pid);
  assert.deepEqual(report.groups.centrals?.standbys.map((s) => s.pid), [standby.pid]);

  const cps: RoleProcess[] = [];
  const drivers: RoleProcess[] = [];
  for (let i = 0; i < 10; i++) {
    cps.push(net.cp(`CPT${i}`, ['--speed', '20', '--price', '0.5']));
    await sleep(150);
  }
  for (let i = 0; i < 10; i++) await active.waitForKind('cp-registered', { cpId: `CPT${i}` }, 60000);
  for (let i = 0; i < 10; i++) drivers.push(net.driver(`DT${i}`, ['--cp', `CPT${i}`, '--seconds', '3']));
  const results = await Promise.all(drivers.map((d) => d.exited));
  results.forEach((r, i) => assert.equal(r.code, 0, drivers[i]!.outcome()));
  for (const d of drivers) {
    assert.equal(d.count('denied'), 0, `${d.name} was not denied (no unknown-cp for a registered CP)`);
    assert.equal(d.count('ticket'), 1, `${d.name} got one ticket`);
  }
  // The standby decided nothing, and refuses to.
  for (const kind of ['cp-registered', 'auth-granted', 'auth-denied', 'supply-ended']) assert.equal(standby.count(kind), 0, `the standby emitted no ${kind}`);
  const refusal = await standby.ask('stop CPT0', (t) => t.startsWith('standby:'), 'a read-only refusal');
  assert.match(refusal, new RegExp(`^standby: read-only, the active central is \\S+ pid ${active.pid}$`));
  // It keeps a warm copy: every CP and the totals, read from cp-state.
  const status = await standby.ask('status', (t) => /^totals: 10 sessions/m.test(t), 'the standby status with all 10 sessions', 20000);
  for (let i = 0; i < 10; i++) assert.match(status, new RegExp(`^CPT${i}\\s+AVAILABLE`, 'm'));
});

test('kill -9 the active central during 10 supplies: the standby serves within 5 s; one ticket each with the CP\'s kWh; no false DISCONNECTED', { timeout: 300_000 }, async (t) => {
  const net = new TestNetwork({ partitions: 3 });
  nets.push(net);
  const { active, standby } = await twoCentrals(net);
  const { cps, drivers } = await liveSupplies(net, active, 'CPK', 10, '0.4');
  // One more CP and driver: the request sent right after the kill is the new active's decision.
  net.cp('CPKX', ['--speed', '10']);
  await active.waitForKind('cp-registered', { cpId: 'CPKX' }, 60000);
  const late = net.driver('DKX');
  await late.waitForKind('ready', {}, 60000);

  const killedAt = Date.now();
  active.signal('SIGKILL');
  late.send('request CPKX');
  const took = await standby.waitForKind('active', {}, 30000);
  const first = await standby.waitFor((e) => DECISIONS.has(e.kind) && e.at >= killedAt, 'a first decision', 30000);
  const takeoverMs = first.at - killedAt;
  t.diagnostic(`elected ${took.at - killedAt} ms after the kill; first decision (${first.kind}) ${takeoverMs} ms after it`);
  console.log(`[reliability] takeover after kill -9: first decision by the new active ${takeoverMs} ms after the kill`);
  assert.ok(takeoverMs <= 5000, `the standby served within 5 s of the kill (took ${takeoverMs} ms)`);
  await late.waitForKind('granted', {}, 30000);

  await sleep(2000);
  for (const d of drivers) assert.equal(d.count('ticket'), 0, `${d.name}: the supply went on through the takeover`);
  await endAndCheckTickets(cps, drivers, 0.4);
  assert.equal(standby.count('cp-disconnected'), 0, 'no CP was declared DISCONNECTED because central changed');
  assert.equal(standby.count('telemetry-gap'), 0, 'the new active saw every telemetry reading');
});

test('SIGSTOP the active for 15 s: a standby takes over; woken, the old one steps down and nothing it wrote is acted on', { timeout: 300_000 }, async (t) => {
  const net = new TestNetwork({ partitions: 3 });
  nets.push(net);
  const { active, standby } = await twoCentrals(net);
  const { cps, drivers } = await liveSupplies(net, active, 'CPS', 4, '0.3');

  const pausedAt = Date.now();
  active.signal('SIGSTOP');
  const took = await standby.waitForKind('active', {}, 30000);
  t.diagnostic(`the standby took over ${took.at - pausedAt} ms after the pause`);
  await sleep(Math.max(0, pausedAt + 15000 - Date.now()));
  const wokeAt = Date.now();
  const from = active.events.length;
  active.signal('SIGCONT');
  // Woken, it still believes it leads: it has seen no heartbeat for 15 s and would end every
  // supply (DISCONNECTED) if its records were acted on. They are fenced; it steps down.
  const down = await active.waitFor((e) => e.kind === 'stepped-down' || e.kind === 'standby', 'stepping down', 30000, from);
  t.diagnostic(`the old active stepped down ${down.at - wokeAt} ms after waking: ${String(down['text'] ?? '')}`);
  await active.waitFor((e) => e.kind === 'standby', 'standby after stepping down', 30000, from);
  await sleep(3000);
  for (const d of drivers) assert.equal(d.count('ticket'), 0, `${d.name}: no ticket from the old active (its decisions were fenced)`);
  for (const cp of cps) assert.equal(cp.count('supply-ended'), 0, `${cp.name}: no stop from the old active reached the CP`);
  const refusal = await active.ask('stop all', (x) => x.startsWith('standby:'), 'a read-only refusal');
  assert.match(refusal, new RegExp(`pid ${standby.pid}$`));
  await endAndCheckTickets(cps, drivers, 0.3);
  assert.equal(standby.count('cp-disconnected'), 0, 'no CP was declared DISCONNECTED by the new active');
});
