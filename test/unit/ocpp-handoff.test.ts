import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { stationInstanceId } from '../../src/ocpp/station-instance.js';
import { SEQ_PER_HANDOFF, seqBaseOf, TransactionLog } from '../../src/ocpp/transaction-log.js';
import { startChargePoint } from '../../src/roles/cp/index.js';
import type { RoleEvent } from '../../src/roles/shared/events.js';
import { run, send, sent, testNet, type TestNet } from './helpers.js';
import { startTestCentral } from './fakes.js';
import { until } from './network.js';
import { FakeLink, gatewaySide } from './ocpp-fakes.js';

const now = () => new Date().toISOString();
const meter = (transactionId: number, wh: number) => ({ connectorId: 1, transactionId, meterValue: [{ timestamp: now(), sampledValue: [{ value: String(wh) }] }] });
const boot = { chargePointVendor: 'v', chargePointModel: 'm' };

async function network() {
  const net = testNet();
  const central = await startTestCentral(net);
  const events: RoleEvent[] = [];
  central.onEvent((e) => events.push(e));
  const call = (link: FakeLink, action: string, params: Record<string, unknown>) => until(net, link.invoke(action, params), 30_000, 50);
  const settle = () => until(net, Promise.resolve(), 500);
  return { net, central, events, call, settle };
}

test('a station that moves to another gateway mid-supply goes on there: one ticket of meterStop − meterStart, the stop reaches it through the new gateway', async () => {
  const { net, central, events, call, settle } = await network();
  const a = await gatewaySide(net, 'A');
  const b = await gatewaySide(net, 'B');
  const onA = new FakeLink('ST1');
  const first = a.connect(onA);
  assert.equal((await call(onA, 'BootNotification', boot)).status, 'Accepted');
  const start = await call(onA, 'StartTransaction', { connectorId: 1, idTag: 'D1', meterStart: 1000, timestamp: now() });
  assert.equal(start.idTagInfo.status, 'Accepted');
  await call(onA, 'MeterValues', meter(start.transactionId, 1500));
  await settle();

  // The socket to A closes; the station reconnects to B at once and goes on sending.
  await first.station.close();
  const onB = new FakeLink('ST1');
  b.connect(onB);
  assert.equal((await call(onB, 'BootNotification', boot)).status, 'Accepted', 'the same CP process for central: no refusal');
  await settle();
  assert.deepEqual(b.events.filter((e) => e.kind === 'transaction-resumed').map((e) => [e.data['transactionId'], e.data['handoffs']]), [[start.transactionId, 1]]);
  await call(onB, 'MeterValues', meter(start.transactionId, 2200));
  await settle();
  const supplying = central.store.getSnapshot().cps.find((c) => c.id === 'ST1');
  assert.equal(supplying?.state, 'CHARGING');
  assert.equal(supplying?.supply?.kwh, 1.2, "B's reading reached central");

  await send(net, 'driver.stop', { requestId: randomUUID(), driverId: 'D1' }, { sender: 'driver:D1' });
  await settle();
  assert.deepEqual(onB.calls, [{ action: 'RemoteStopTransaction', params: { transactionId: start.transactionId } }]);
  assert.deepEqual(onA.calls, [], 'nothing goes to the closed connection');
  await call(onB, 'StopTransaction', { transactionId: start.transactionId, meterStop: 2600, timestamp: now(), reason: 'Remote' });
  await settle();
  const ended = events.filter((e) => e.kind === 'supply-ended').map((e) => [e.data['kwh'], e.data['reason']]);
  assert.deepEqual(ended, [[1.6, 'driver-stop']]);
  assert.equal(events.filter((e) => e.kind === 'cp-disconnected' || e.kind === 'cp-registered').length, 1, 'registered once, never DISCONNECTED');
  assert.equal(b.transactions.open('ST1'), null, 'the stop cleared the shared record');

  // The next transaction's id is above the last one whichever gateway gave it.
  const next = await call(onB, 'StartTransaction', { connectorId: 1, idTag: 'D1', meterStart: 2600, timestamp: now() });
  assert.ok(next.transactionId > start.transactionId, `${next.transactionId} > ${start.transactionId}`);
  await central.close();
  await a.close();
  await b.close();
  await net.bus.close();
});

test('a MeterValues naming a transaction the new gateway has not read yet waits for its record, then goes on with it', async () => {
  const { net, central, events, call, settle } = await network();
  const b = await gatewaySide(net, 'B');
  const onB = new FakeLink('ST2');
  b.connect(onB);
  assert.equal((await call(onB, 'BootNotification', boot)).status, 'Accepted');
  // A supply central has open, from a gateway whose record arrives only after the station's call.
  const sessionId = await openSupplyElsewhere(net, 'ST2', 'D2');
  const pending = onB.invoke('MeterValues', meter(77, 1400));
  await until(net, Promise.resolve(), 300);
  await send(net, 'ocpp.transaction', { stationId: 'ST2', gateway: 'A', lastTransactionId: 77, tx: { transactionId: 77, sessionId, idTag: 'D2', meterStartWh: 1000, startedAt: Date.now(), handoffs: 0 } }, { sender: 'ocpp-gateway:A' });
  await until(net, pending, 5000, 50);
  await settle();
  assert.equal(central.store.getSnapshot().cps.find((c) => c.id === 'ST2')?.supply?.kwh, 0.4);
  await call(onB, 'StopTransaction', { transactionId: 77, meterStop: 1900, timestamp: now() });
  await settle();
  assert.deepEqual(events.filter((e) => e.kind === 'supply-ended').map((e) => e.data['kwh']), [0.9]);
  // A transaction nobody has open is answered after the wait, and bills nobody.
  const started = net.clock.now();
  assert.deepEqual(await call(onB, 'StopTransaction', { transactionId: 12345, meterStop: 1, timestamp: now() }), {});
  assert.ok(net.clock.now() - started >= 3000, 'waited the takeover time first');
  assert.deepEqual(b.events.filter((e) => e.kind === 'unknown-transaction').map((e) => e.data['transactionId']), [12345]);
  await central.close();
  await b.close();
  await net.bus.close();
});

test('a station that comes back after central gave it up (heartbeat timeout) is told to stop: the supply was billed at its last reading, and no second ticket', async () => {
  const { net, central, events, call, settle } = await network();
  const a = await gatewaySide(net, 'A');
  const b = await gatewaySide(net, 'B');
  const onA = new FakeLink('ST3');
  const first = a.connect(onA);
  assert.equal((await call(onA, 'BootNotification', boot)).status, 'Accepted');
  const start = await call(onA, 'StartTransaction', { connectorId: 1, idTag: 'D3', meterStart: 0, timestamp: now() });
  await call(onA, 'MeterValues', meter(start.transactionId, 700));
  await settle();
  await first.station.close();
  // Gone longer than central's heartbeat timeout: DISCONNECTED, the supply ends at 0.7 kWh.
  await run(net, 10_000);
  assert.deepEqual(events.filter((e) => e.kind === 'supply-ended').map((e) => [e.data['kwh'], e.data['reason']]), [[0.7, 'cp-disconnected']]);
  const onB = new FakeLink('ST3');
  b.connect(onB);
  assert.equal((await call(onB, 'BootNotification', boot)).status, 'Accepted');
  await run(net, 3000);
  // The CP's heartbeat says it is supplying a session central closed: central stops it (again,
  // heartbeat after heartbeat, until the station has stopped).
  const stops = onB.calls.filter((c) => c.action === 'RemoteStopTransaction');
  assert.ok(stops.length >= 1, 'RemoteStopTransaction sent');
  assert.ok(stops.every((c) => c.params['transactionId'] === start.transactionId));
  await call(onB, 'StopTransaction', { transactionId: start.transactionId, meterStop: 900, timestamp: now() });
  await settle();
  assert.equal(events.filter((e) => e.kind === 'supply-ended').length, 1, 'no second ticket');
  assert.equal(b.transactions.open('ST3'), null);
  await central.close();
  await a.close();
  await b.close();
  await net.bus.close();
});

/** Central opens a supply at `cpId` for `driverId`, as if granted through another gateway; its session id. */
async function openSupplyElsewhere(net: TestNet, cpId: string, driverId: string): Promise<string> {
  await send(net, 'driver.request', { requestId: randomUUID(), driverId, cpId }, { sender: `driver:${driverId}` });
  await until(net, Promise.resolve(), 300);
  const order = sent(net, 'cp-commands', 'cmd.start-supply').find((m) => m.payload.cpId === cpId);
  assert.ok(order, 'central ordered the supply');
  return order.payload.sessionId;
}

test("resumeSupply: only for a station's own meter, never over another open supply, and telemetry goes on above seqBase", async () => {
  const net = testNet();
  const own = await startChargePoint({ bus: net.bus, clock: net.clock, id: 'CPX', groups: { main: 'cp-CPX-group' } });
  const refused = await own.resumeSupply({ sessionId: randomUUID(), driverId: 'D1', startedAt: 0, seqBase: 0 });
  assert.equal(refused.ok, false);
  assert.match(refused.text, /own meter/);
  await own.close();

  const external = { supplyStarted: () => {}, stopRequested: () => {}, serviceChanged: () => {} };
  const cp = await startChargePoint({ bus: net.bus, clock: net.clock, id: 'CPY', groups: { main: 'cp-CPY-group' }, external });
  const sessionId = randomUUID();
  assert.equal((await cp.resumeSupply({ sessionId, driverId: 'D1', startedAt: 5, seqBase: seqBaseOf(2) })).ok, true);
  assert.equal((await cp.resumeSupply({ sessionId, driverId: 'D1', startedAt: 5, seqBase: seqBaseOf(2) })).ok, true, 'the same one again is no change');
  const other = await cp.resumeSupply({ sessionId: randomUUID(), driverId: 'D2', startedAt: 5, seqBase: 0 });
  assert.equal(other.ok, false);
  assert.match(other.text, /is supplying session/);
  await cp.reading({ kw: 7, kwh: 0.5 });
  const sent = net.bus.read('telemetry').map((r) => JSON.parse(r.value!)).filter((m) => m.payload.cpId === 'CPY');
  assert.deepEqual(sent.map((m) => [m.type, m.payload.seq]), [['supply.telemetry', 2 * SEQ_PER_HANDOFF]], 'no supply.started: central has it already');
  await cp.close();
  await net.bus.close();
});

test('the derived instance id is a stable UUID, different for every station', () => {
  const id = stationInstanceId('ST1');
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(stationInstanceId('ST1'), id);
  assert.notEqual(stationInstanceId('ST2'), id);
  assert.notEqual(stationInstanceId('st1'), id);
});

test('the transaction log skips and reports malformed records, keeps ids from going back, and start() waits for the end it is given', async () => {
  const net = testNet();
  await net.bus.publish([
    { topic: 'ocpp-transactions', key: 'ST1', value: 'not json' },
    { topic: 'ocpp-transactions', key: 'ST1', value: JSON.stringify({ type: 'ocpp.transaction', sender: 'x', id: randomUUID(), ts: 1, v: 1, payload: { stationId: 'ST9', gateway: 'x', lastTransactionId: 1, tx: null } }) },
  ]);
  await send(net, 'ocpp.transaction', { stationId: 'ST1', gateway: 'A', lastTransactionId: 40, tx: null }, { sender: 'ocpp-gateway:A' });
  await send(net, 'ocpp.transaction', { stationId: 'ST1', gateway: 'B', lastTransactionId: 12, tx: null }, { sender: 'ocpp-gateway:B' });
  const bad: string[] = [];
  const ends = new Map(net.bus.read('ocpp-transactions').reduce((m, r) => m.set(r.partition, Math.max(m.get(r.partition) ?? 0, Number(r.offset) + 1)), new Map<number, number>()));
  const log = new TransactionLog({ bus: net.bus, group: 'gw-tx', gateway: 'C', clock: net.clock, ends: async () => ends, onMalformed: (_r, reason) => void bad.push(reason), onPublishError: () => {} });
  await until(net, log.start(), 5000, 50);
  assert.deepEqual(bad.map((r) => r.split(':')[0]), ['not-json', 'key-mismatch']);
  assert.equal(log.lastTransactionId('ST1'), 40, 'a later record with a lower id does not take it back');
  assert.equal(log.lastTransactionId('ST9'), 0, 'the record keyed as another station was not applied');
  assert.ok(net.bus.read('dead-letter').length >= 2, 'both copied to dead-letter');
  await log.close();
  await net.bus.close();
});
