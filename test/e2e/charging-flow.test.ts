import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork, type JsonEvent, type RoleProcess } from '../helpers/role-process.js';

// One private network (own topics and groups on the shared broker) for the main flow:
// central, charge points and drivers are separate processes of the real binary.
const net = new TestNetwork({ heartbeatTimeoutMs: 2000 });
let central: RoleProcess;
after(() => net.stopAll());

const startCp = async (id: string, extra: string[] = []) => {
  const cp = net.cp(id, ['--speed', '40', '--price', '0.42', '--max-kw', '50', '--location', `Street ${id}`, ...extra]);
  await central.waitForKind('cp-registered', { cpId: id });
  await cp.waitForKind('registered');
  return cp;
};

const ticketOf = (e: JsonEvent) => e as unknown as { kwh: number; pricePerKwh: number; totalEur: number; reason: string; sessionId: string; cpId: string; driverId: string; startedAt: number; endedAt: number };
const cents = (x: number) => Math.round(x * 100);

before(async () => {
  central = net.central();
  await central.waitForKind('kafka-connected');
});

test('register → request → supply → ticket: kWh > 0 and total = kWh × price to the cent', async () => {
  const cp = await startCp('CPA');
  const driver = net.driver('D1', ['--cp', 'CPA', '--kwh', '0.5']);
  const { code } = await driver.exited;
  assert.equal(code, 0, driver.stderr);
  assert.equal(driver.count('granted'), 1);
  assert.ok(driver.count('progress') >= 1, 'live progress was shown');
  assert.equal(driver.count('ticket'), 1, 'exactly one ticket');
  const t = ticketOf(driver.events.find((e) => e.kind === 'ticket')!);
  assert.equal(t.cpId, 'CPA');
  assert.equal(t.driverId, 'D1');
  assert.equal(t.reason, 'driver-stop');
  assert.ok(t.kwh >= 0.5, `stopped once 0.5 kWh was reached, got ${t.kwh}`);
  assert.equal(t.pricePerKwh, 0.42);
  assert.equal(cents(t.totalEur), cents(t.kwh * 0.42));
  assert.ok(t.endedAt > t.startedAt);
  const ended = await central.waitForKind('supply-ended', { sessionId: t.sessionId });
  assert.equal(ended['kwh'], t.kwh, 'central and driver agree on the energy');
  await cp.waitForKind('supply-ended', { sessionId: t.sessionId });
  await central.waitForCpState('CPA', 'AVAILABLE');
});

test('every denial reason reaches the driver with its reason text', async () => {
  const denial = async (driverId: string, cpId: string) => {
    const d = net.driver(driverId, ['--cp', cpId]);
    const { code } = await d.exited;
    assert.equal(code, 1, `${driverId} exits 1 when denied`);
    return d.events.find((e) => e.kind === 'denied')!;
  };

  const unknown = await denial('D2', 'NOPE');
  assert.deepEqual([unknown['code'], unknown['reason']], ['unknown-cp', 'unknown charge point']);

  // Busy: a long supply at CPB, driven from an interactive driver that then asks for a second one.
  await startCp('CPB');
  await startCp('CPX');
  const charging = net.driver('D3');
  await charging.waitForKind('ready');
  charging.send('request CPB');
  await charging.waitForKind('supply-started');
  const busy = await denial('D4', 'CPB');
  assert.deepEqual([busy['code'], busy['reason']], ['cp-busy', 'charge point is busy with another supply']);
  charging.send('request CPX');
  const twice = await charging.waitForKind('denied');
  assert.deepEqual([twice['code'], twice['reason']], ['driver-already-charging', 'driver already has a supply in progress']);
  charging.send('stop');
  await charging.waitForKind('ticket');

  await startCp('CPC');
  await central.ask('stop CPC', (t) => /CPC/.test(t), 'stop answer');
  await central.waitForCpState('CPC', 'OUT_OF_SERVICE');
  const oos = await denial('D5', 'CPC');
  assert.deepEqual([oos['code'], oos['reason']], ['cp-out-of-service', 'charge point is out of service']);

  const cpd = await startCp('CPD');
  cpd.send('fault');
  await central.waitForKind('cp-faulted', { cpId: 'CPD' });
  const faulted = await denial('D6', 'CPD');
  assert.deepEqual([faulted['code'], faulted['reason']], ['cp-faulted', 'charge point is faulted']);

  const cpe = await startCp('CPE');
  cpe.signal('SIGKILL');
  await central.waitForKind('cp-disconnected', { cpId: 'CPE' });
  const gone = await denial('D7', 'CPE');
  assert.deepEqual([gone['code'], gone['reason']], ['cp-disconnected', 'charge point is disconnected']);
});

test('central stops a CP mid-supply: ticket, OUT_OF_SERVICE; resume → AVAILABLE; the same for all', async () => {
  await startCp('CPF');
  await startCp('CPG');
  const d8 = net.driver('D8', ['--cp', 'CPF']);
  await d8.waitForKind('progress');
  await central.ask('stop CPF', (t) => /CPF/.test(t), 'stop answer');
  const { code } = await d8.exited;
  assert.equal(code, 1, 'a supply cut by central is not a completed service');
  const t = ticketOf(d8.events.find((e) => e.kind === 'ticket')!);
  assert.equal(t.reason, 'central-stop');
  assert.ok(t.kwh > 0);
  assert.equal(cents(t.totalEur), cents(t.kwh * 0.42));
  await central.waitForCpState('CPF', 'OUT_OF_SERVICE');
  await central.ask('resume CPF', (t) => /CPF/.test(t), 'resume answer');
  await central.waitForCpState('CPF', 'AVAILABLE');

  const d9 = net.driver('D9', ['--cp', 'CPG']);
  await d9.waitForKind('progress');
  await central.ask('stop all', () => true, 'stop all answer');
  await d9.exited;
  assert.equal(ticketOf(d9.events.find((e) => e.kind === 'ticket')!).reason, 'central-stop');
  await central.waitForCpState('CPF', 'OUT_OF_SERVICE');
  await central.waitForCpState('CPG', 'OUT_OF_SERVICE');
  await central.ask('resume all', () => true, 'resume all answer');
  await central.waitForCpState('CPF', 'AVAILABLE');
  await central.waitForCpState('CPG', 'AVAILABLE');
});

test('a CP faults mid-supply: the supply ends at once and the driver is told; recover → AVAILABLE', async () => {
  const cp = await startCp('CPH');
  const d10 = net.driver('D10', ['--cp', 'CPH']);
  await d10.waitForKind('progress');
  const faultAt = Date.now();
  cp.send('fault');
  const { code } = await d10.exited;
  assert.equal(code, 1);
  const t = ticketOf(d10.events.find((e) => e.kind === 'ticket')!);
  assert.equal(t.reason, 'cp-fault');
  assert.ok(t.kwh > 0);
  // "At once": the ticket is written when the fault is applied, not after some timeout.
  assert.ok(t.endedAt - faultAt < 3000, `ended ${t.endedAt - faultAt} ms after the fault`);
  await central.waitForCpState('CPH', 'FAULTED');
  cp.send('recover');
  await central.waitForKind('cp-recovered', { cpId: 'CPH' });
  await central.waitForCpState('CPH', 'AVAILABLE');
});
