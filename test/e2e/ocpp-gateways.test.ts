import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RPCClient } from 'ocpp-rpc';
import { TestNetwork, type RoleProcess } from '../helpers/role-process.js';
import { meterValues, nextCall, stationClient } from '../helpers/ocpp-client.js';

/**
 * Two gateways as processes of the real binary, with central, on Kafka: a station (ocpp-rpc's
 * client) that moves from one to the other mid-supply goes on where it was (issue 14).
 */
const net = new TestNetwork({ heartbeatTimeoutMs: 3000 });
const clients: RPCClient[] = [];
after(async () => {
  await Promise.all(clients.map((s) => s.close({ force: true }).catch(() => {})));
  await net.stopAll();
});

const station = (endpoint: string, identity: string) => {
  const s = stationClient(endpoint, identity);
  clients.push(s);
  return s;
};
const boot = (s: RPCClient) => s.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'moving-station' }) as Promise<{ status: string }>;
const startTx = (s: RPCClient, idTag: string, meterStart: number) =>
  s.call('StartTransaction', { connectorId: 1, idTag, meterStart, timestamp: new Date().toISOString() }) as Promise<{ transactionId: number; idTagInfo: { status: string } }>;

let central: RoleProcess;
let gatewayA: RoleProcess;
let gatewayB: RoleProcess;
let endpointA: string;
let endpointB: string;

async function gateway(name: string): Promise<[RoleProcess, string]> {
  const g = net.start(name, ['ocpp', '--listen', '127.0.0.1:0', '--path', '/ocpp']);
  const listening = await g.waitForKind('listening');
  return [g, `ws://127.0.0.1:${Number(listening['port'])}/ocpp`];
}

test('a station that reconnects to the second gateway mid-supply ends its supply with one ticket of meterStop − meterStart', async () => {
  central = net.central();
  await central.waitForKind('kafka-connected');
  // Started together: transaction ids must not collide even so.
  [[gatewayA, endpointA], [gatewayB, endpointB]] = await Promise.all([gateway('ocpp-A'), gateway('ocpp-B')]);

  const onA = station(endpointA, 'MOVER1');
  await onA.connect();
  assert.equal((await boot(onA)).status, 'Accepted');
  await central.waitForKind('cp-registered', { cpId: 'MOVER1' });
  const meterStart = 20_000;
  const start = await startTx(onA, 'DRVM', meterStart);
  assert.equal(start.idTagInfo.status, 'Accepted', gatewayA.outcome());
  await onA.call('MeterValues', meterValues(start.transactionId, meterStart + 500, 7400));
  await gatewayA.waitFor((e) => e.kind === 'telemetry' && e['cpId'] === 'MOVER1', 'telemetry through A');

  // The station loses its connection to A and reconnects to B right away, mid-supply.
  await onA.close({ code: 1001, force: true });
  const onB = station(endpointB, 'MOVER1');
  await onB.connect();
  assert.equal((await boot(onB)).status, 'Accepted', `the same CP process on any gateway: ${gatewayB.outcome()}`);
  const resumed = await gatewayB.waitForKind('transaction-resumed', { cpId: 'MOVER1' });
  assert.equal(resumed['transactionId'], start.transactionId);
  assert.equal(resumed['handoffs'], 1);
  for (let i = 1; i <= 3; i++) assert.deepEqual(await onB.call('MeterValues', meterValues(start.transactionId, meterStart + 500 + 1000 * i, 7400)), {});
  await gatewayB.waitFor((e) => e.kind === 'telemetry' && e['cpId'] === 'MOVER1' && Number(e['kwh']) === 3.5, 'telemetry at 3.5 kWh through B');

  // Central's stop reaches the station through B, which holds it now.
  const remoteStop = nextCall(onB, 'RemoteStopTransaction', { status: 'Accepted' });
  nextCall(onB, 'ChangeAvailability', { status: 'Accepted' });
  await central.ask('stop MOVER1', (t) => /MOVER1/.test(t), 'stop answer');
  assert.deepEqual(await remoteStop, { transactionId: start.transactionId });
  const meterStop = 24_321;
  await onB.call('StopTransaction', { transactionId: start.transactionId, meterStop, timestamp: new Date().toISOString(), reason: 'Remote' });
  const ended = await central.waitForKind('supply-ended', { cpId: 'MOVER1' });
  assert.equal(ended['kwh'], (meterStop - meterStart) / 1000);
  assert.equal(ended['reason'], 'central-stop');
  await central.ask('resume MOVER1', (t) => /MOVER1/.test(t), 'resume answer');
  await central.waitForCpState('MOVER1', 'AVAILABLE');

  // One ticket; the CP was never DISCONNECTED nor restarted, and registered once.
  assert.equal(central.count('supply-ended', { cpId: 'MOVER1' }), 1);
  assert.equal(central.count('cp-disconnected', { cpId: 'MOVER1' }), 0, central.outcome());
  assert.equal(central.count('cp-registered', { cpId: 'MOVER1' }), 1);

  // Its next transaction, on either gateway, gets a higher id than any before.
  const again = await startTx(onB, 'DRVM', meterStop);
  assert.equal(again.idTagInfo.status, 'Accepted', gatewayB.outcome());
  assert.ok(again.transactionId > start.transactionId, `${again.transactionId} > ${start.transactionId}`);
  await onB.call('StopTransaction', { transactionId: again.transactionId, meterStop: meterStop + 100, timestamp: new Date().toISOString() });
  await central.waitFor((e) => e.kind === 'supply-ended' && e['cpId'] === 'MOVER1' && e['kwh'] === 0.1, 'the second ticket');
  await onB.close({ force: true });
});

test('moved while the first gateway still holds its old connection: the first closes it once the second takes the transaction over; the stop reaches the station, one ticket', async () => {
  // The first connection stays open but no longer answers RemoteStopTransaction (a socket whose
  // far end is gone looks the same to the gateway until its ping fails).
  const stale = station(endpointA, 'MOVER2');
  stale.handle('RemoteStopTransaction', () => new Promise(() => {}));
  await stale.connect();
  assert.equal((await boot(stale)).status, 'Accepted');
  const meterStart = 1000;
  const start = await startTx(stale, 'DRVN', meterStart);
  assert.equal(start.idTagInfo.status, 'Accepted', gatewayA.outcome());

  const staleClosed = new Promise((resolve) => stale.once('close', resolve));
  const fresh = station(endpointB, 'MOVER2');
  await fresh.connect();
  assert.equal((await boot(fresh)).status, 'Accepted', gatewayB.outcome());
  await fresh.call('MeterValues', meterValues(start.transactionId, 1800, 3600));
  await gatewayB.waitForKind('transaction-resumed', { cpId: 'MOVER2' });
  // B's takeover is on the topic after A's start: A lets its connection go, and its CP with it.
  const moved = await gatewayA.waitFor((e) => e.kind === 'station-disconnected' && e['cpId'] === 'MOVER2' && e['reason'] === 'moved', 'A closing the stale connection');
  assert.match(String(moved['to']), / pid \d+ #[0-9a-f]{4}$/, 'names the gateway it moved to');
  await staleClosed;
  const remoteStop = nextCall(fresh, 'RemoteStopTransaction', { status: 'Accepted' });
  await central.ask('stop MOVER2', (t) => /MOVER2/.test(t), 'stop answer');
  assert.deepEqual(await remoteStop, { transactionId: start.transactionId });
  assert.equal(gatewayA.count('stop-requested', { cpId: 'MOVER2' }), 0, 'A no longer speaks for the station');
  await fresh.call('StopTransaction', { transactionId: start.transactionId, meterStop: 2500, timestamp: new Date().toISOString(), reason: 'Remote' });
  const ended = await central.waitForKind('supply-ended', { cpId: 'MOVER2' });
  assert.equal(ended['kwh'], 1.5);
  await central.waitForCpState('MOVER2', 'OUT_OF_SERVICE');
  assert.equal(central.count('supply-ended', { cpId: 'MOVER2' }), 1);
  await stale.close({ force: true });
  await fresh.close({ force: true });
});

test("away longer than central's heartbeat timeout, stopped by central meanwhile: the transaction stays open, and the stop reaches the station on the other gateway; one ticket of meterStop − meterStart", async () => {
  const onA = station(endpointA, 'MOVER3');
  await onA.connect();
  assert.equal((await boot(onA)).status, 'Accepted');
  const meterStart = 3000;
  const start = await startTx(onA, 'DRVO', meterStart);
  assert.equal(start.idTagInfo.status, 'Accepted', gatewayA.outcome());
  await onA.call('MeterValues', meterValues(start.transactionId, 3900, 3600));
  await gatewayA.waitFor((e) => e.kind === 'telemetry' && e['cpId'] === 'MOVER3', 'telemetry through A');

  const goneAt = Date.now();
  await onA.close({ code: 1006, force: true });
  await gatewayA.waitForKind('station-away', { cpId: 'MOVER3' });
  // Central's stop while the station is away: A cannot deliver it, and leaves it on the topic.
  await central.ask('stop MOVER3', (t) => /MOVER3/.test(t), 'stop answer');
  await gatewayA.waitFor((e) => e.kind === 'call-failed' && e['cpId'] === 'MOVER3' && e['action'] === 'RemoteStopTransaction', 'the undelivered stop');
  // Away longer than the 3 s heartbeat timeout: the gateway's CP kept the station CONNECTED.
  await new Promise((r) => setTimeout(r, Math.max(0, goneAt + 4500 - Date.now())));
  assert.equal(central.count('cp-disconnected', { cpId: 'MOVER3' }), 0, central.outcome());
  assert.equal(central.count('supply-ended', { cpId: 'MOVER3' }), 0, 'the supply is still open');

  const onB = station(endpointB, 'MOVER3');
  const remoteStop = nextCall(onB, 'RemoteStopTransaction', { status: 'Accepted' });
  await onB.connect();
  assert.equal((await boot(onB)).status, 'Accepted');
  assert.deepEqual(await remoteStop, { transactionId: start.transactionId }, 'the stop asked for while it was away');
  await gatewayA.waitFor((e) => e.kind === 'station-disconnected' && e['cpId'] === 'MOVER3', 'A letting its away station go');
  const meterStop = 4700;
  await onB.call('StopTransaction', { transactionId: start.transactionId, meterStop, timestamp: new Date().toISOString(), reason: 'Remote' });
  const ended = await central.waitForKind('supply-ended', { cpId: 'MOVER3' });
  assert.equal(ended['kwh'], (meterStop - meterStart) / 1000);
  assert.equal(ended['reason'], 'central-stop');
  assert.equal(central.count('cp-disconnected', { cpId: 'MOVER3' }), 0);
  await onB.close({ force: true });
});
