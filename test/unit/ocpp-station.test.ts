import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { Station } from '../../src/ocpp/station.js';
import type { ChargePoint } from '../../src/roles/cp/index.js';
import type { Central } from '../../src/roles/central/index.js';
import type { RoleEvent } from '../../src/roles/shared/events.js';
import { run, send, sent, testNet, type TestNet } from './helpers.js';
import { startTestCentral } from './fakes.js';
import { until } from './network.js';
import { FakeLink, gatewaySide } from './ocpp-fakes.js';

interface Harness {
  net: TestNet;
  central: Central;
  centralEvents: RoleEvent[];
  stations: Map<string, { link: FakeLink; station: Station; cp: () => ChargePoint }>;
  /** Runs a station's call, advancing fake time until it is answered. */
  call(id: string, action: string, params: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

async function harness(ids: string[]): Promise<Harness> {
  const net = testNet();
  const central = await startTestCentral(net);
  const centralEvents: RoleEvent[] = [];
  central.onEvent((e) => centralEvents.push(e));
  const gw = await gatewaySide(net, 'A');
  const stations: Harness['stations'] = new Map();
  for (const id of ids) {
    const link = new FakeLink(id);
    const { station, cp } = gw.connect(link);
    stations.set(id, { link, station, cp });
  }
  const h: Harness = {
    net,
    central,
    centralEvents,
    stations,
    call: (id, action, params) => until(net, stations.get(id)!.link.invoke(action, params), 30_000, 50),
    close: async () => {
      for (const s of stations.values()) await s.station.close();
      await central.close();
      await gw.close();
      await net.bus.close();
    },
  };
  for (const id of ids) assert.equal((await h.call(id, 'BootNotification', { chargePointVendor: 'v', chargePointModel: 'm' })).status, 'Accepted');
  return h;
}

const cpState = (h: Harness, id: string) => h.central.store.getSnapshot().cps.find((c) => c.id === id)?.state;
const tickets = (h: Harness) => h.centralEvents.filter((e) => e.kind === 'supply-ended').map((e) => e.data);
const meter = (transactionId: number, wh: number) => ({ connectorId: 1, transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: String(wh) }] }] });

test('StatusNotification Faulted mid-transaction ends the supply at the last reading and central shows FAULTED; Available clears it', async () => {
  const h = await harness(['ST1']);
  assert.equal((await h.call('ST1', 'Authorize', { idTag: 'D1' })).idTagInfo.status, 'Accepted');
  const start = await h.call('ST1', 'StartTransaction', { connectorId: 1, idTag: 'D1', meterStart: 500, timestamp: new Date().toISOString() });
  assert.equal(start.idTagInfo.status, 'Accepted');
  await h.call('ST1', 'MeterValues', meter(start.transactionId, 1750));
  await h.call('ST1', 'StatusNotification', { connectorId: 1, errorCode: 'GroundFailure', status: 'Faulted' });
  await until(h.net, Promise.resolve(), 500);
  assert.deepEqual(tickets(h).map((t) => [t['kwh'], t['reason']]), [[1.25, 'cp-fault']]);
  assert.equal(cpState(h, 'ST1'), 'FAULTED');
  // The station's own stop of the transaction it lost comes after: acknowledged, no second ticket.
  assert.deepEqual(await h.call('ST1', 'StopTransaction', { transactionId: start.transactionId, meterStop: 1800, timestamp: new Date().toISOString() }), { idTagInfo: { status: 'Accepted' } });
  await h.call('ST1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
  await until(h.net, Promise.resolve(), 500);
  assert.equal(cpState(h, 'ST1'), 'AVAILABLE');
  assert.equal(tickets(h).length, 1);
  await h.close();
});

test('StartTransaction without an Authorize asks central then; the same idTag at a second station is ConcurrentTx, another at a busy one Invalid', async () => {
  const h = await harness(['ST1', 'ST2']);
  const start = await h.call('ST1', 'StartTransaction', { connectorId: 1, idTag: 'D1', meterStart: 0, timestamp: new Date().toISOString() });
  assert.equal(start.idTagInfo.status, 'Accepted');
  assert.equal((await h.call('ST2', 'Authorize', { idTag: 'D1' })).idTagInfo.status, 'ConcurrentTx');
  assert.equal((await h.call('ST1', 'Authorize', { idTag: 'D2' })).idTagInfo.status, 'Invalid');
  assert.equal((await h.call('ST1', 'Authorize', { idTag: 'not a driver id!' })).idTagInfo.status, 'Invalid');
  const refused = await h.call('ST2', 'StartTransaction', { connectorId: 1, idTag: 'D1', meterStart: 0, timestamp: new Date().toISOString() });
  assert.equal(refused.idTagInfo.status, 'ConcurrentTx');
  assert.ok(Number.isInteger(refused.transactionId), 'a refused start still gets a transaction id, as OCPP requires');
  await h.close();
});

test("the driver's stop through central reaches the station as RemoteStopTransaction; its StopTransaction bills meterStop − meterStart", async () => {
  const h = await harness(['ST1']);
  const { link } = h.stations.get('ST1')!;
  const start = await h.call('ST1', 'StartTransaction', { connectorId: 1, idTag: 'D1', meterStart: 10_000, timestamp: new Date().toISOString() });
  await until(h.net, Promise.resolve(), 500);
  await send(h.net, 'driver.stop', { requestId: randomUUID(), driverId: 'D1' }, { sender: 'driver:D1' });
  await until(h.net, Promise.resolve(), 500);
  assert.deepEqual(link.calls, [{ action: 'RemoteStopTransaction', params: { transactionId: start.transactionId } }]);
  assert.equal(tickets(h).length, 0, 'no ticket before the station reports its meter');
  await h.call('ST1', 'StopTransaction', { transactionId: start.transactionId, meterStop: 10_777, timestamp: new Date().toISOString(), reason: 'Remote' });
  await until(h.net, Promise.resolve(), 500);
  assert.deepEqual(tickets(h).map((t) => [t['kwh'], t['reason'], t['totalEur']]), [[0.777, 'driver-stop', 0.39]]);
  await h.close();
});

test('central stopping a CP granted but not yet started ends the supply at 0 kWh; the next StartTransaction is Invalid while out of service', async () => {
  const h = await harness(['ST1']);
  const { link } = h.stations.get('ST1')!;
  assert.equal((await h.call('ST1', 'Authorize', { idTag: 'D1' })).idTagInfo.status, 'Accepted');
  await until(h.net, Promise.resolve(), 500);
  await until(h.net, h.central.stop('ST1'));
  await until(h.net, Promise.resolve(), 500);
  assert.deepEqual(tickets(h).map((t) => [t['kwh'], t['reason']]), [[0, 'central-stop']]);
  assert.deepEqual(link.calls.map((c) => [c.action, c.params['type'] ?? null]), [['ChangeAvailability', 'Inoperative']]);
  const start = await h.call('ST1', 'StartTransaction', { connectorId: 1, idTag: 'D1', meterStart: 0, timestamp: new Date().toISOString() });
  assert.equal(start.idTagInfo.status, 'Invalid');
  // Unavailable is the station's answer to the order, not a fault.
  await h.call('ST1', 'StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Unavailable' });
  await until(h.net, Promise.resolve(), 300);
  assert.equal(cpState(h, 'ST1'), 'OUT_OF_SERVICE');
  await h.close();
});

test('an authorized idTag whose StartTransaction never comes is released after the connection timeout, at 0 kWh', async () => {
  const h = await harness(['ST1']);
  assert.equal((await h.call('ST1', 'Authorize', { idTag: 'D1' })).idTagInfo.status, 'Accepted');
  await until(h.net, Promise.resolve(), 500);
  assert.equal(cpState(h, 'ST1'), 'CHARGING');
  await run(h.net, 61_000, 1000);
  assert.deepEqual(tickets(h).map((t) => [t['kwh'], t['driverId']]), [[0, 'D1']]);
  assert.equal(cpState(h, 'ST1'), 'AVAILABLE');
  assert.equal((await h.call('ST1', 'Authorize', { idTag: 'D1' })).idTagInfo.status, 'Accepted', 'the driver may ask again');
  await h.close();
});

test("a driver's request at an OCPP station is a RemoteStartTransaction; the station's Authorize and StartTransaction for it find the grant, and only then is the driver told the supply started", async () => {
  const h = await harness(['ST1']);
  const { link } = h.stations.get('ST1')!;
  await send(h.net, 'driver.request', { requestId: randomUUID(), driverId: 'D9', cpId: 'ST1' }, { sender: 'driver:D9' });
  await until(h.net, Promise.resolve(), 500);
  assert.deepEqual(link.calls, [{ action: 'RemoteStartTransaction', params: { connectorId: 1, idTag: 'D9' } }]);
  assert.equal((await h.call('ST1', 'Authorize', { idTag: 'D9' })).idTagInfo.status, 'Accepted');
  const toldDriver = () => sent(h.net, 'driver-updates', 'driver.supply-started').filter((m) => m.payload.driverId === 'D9').length;
  assert.equal(toldDriver(), 0, 'granted, not started: the station has not started it yet');
  const start = await h.call('ST1', 'StartTransaction', { connectorId: 1, idTag: 'D9', meterStart: 100, timestamp: new Date().toISOString() });
  assert.equal(start.idTagInfo.status, 'Accepted');
  await until(h.net, Promise.resolve(), 500);
  assert.equal(toldDriver(), 1, "told once the station's StartTransaction came");
  await h.call('ST1', 'StopTransaction', { transactionId: start.transactionId, meterStop: 2100, timestamp: new Date().toISOString(), reason: 'EVDisconnected' });
  await until(h.net, Promise.resolve(), 500);
  assert.deepEqual(tickets(h).map((t) => [t['driverId'], t['kwh'], t['reason']]), [['D9', 2, 'unplugged']]);
  assert.equal(link.calls.length, 1, 'its own start is not remote-started again');
  await h.close();
});

test('a station that rejects RemoteStartTransaction ends the supply at 0 kWh at once', async () => {
  const h = await harness(['ST1']);
  h.stations.get('ST1')!.link.answers.set('RemoteStartTransaction', 'Rejected');
  await send(h.net, 'driver.request', { requestId: randomUUID(), driverId: 'D9', cpId: 'ST1' }, { sender: 'driver:D9' });
  await until(h.net, Promise.resolve(), 1000);
  assert.deepEqual(tickets(h).map((t) => [t['driverId'], t['kwh']]), [['D9', 0]]);
  assert.equal(cpState(h, 'ST1'), 'AVAILABLE');
  await h.close();
});
