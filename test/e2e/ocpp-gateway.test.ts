import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RPCClient } from 'ocpp-rpc';
import { TestNetwork, type RoleProcess } from '../helpers/role-process.js';
import { errorCodeOf, inboundFrames, meterValues, nextCall, stationClient, until } from '../helpers/ocpp-client.js';

/**
 * A charging station driven by ocpp-rpc's own client (not by evcharge's code) against the real
 * gateway and central processes on Kafka.
 */
const net = new TestNetwork({ heartbeatTimeoutMs: 2000 });
const stations: RPCClient[] = [];
const station = (endpoint: string, identity: string, extra: Parameters<typeof stationClient>[2] = {}) => {
  const s = stationClient(endpoint, identity, extra);
  stations.push(s);
  return s;
};
after(async () => {
  await Promise.all(stations.map((s) => s.close({ force: true }).catch(() => {})));
  await net.stopAll();
});

let central: RoleProcess;
let gateway: RoleProcess;
let endpoint: string;

test('a station boots, authorizes, charges with meter values, is stopped from central and gets one ticket of meterStop − meterStart', async () => {
  central = net.central();
  await central.waitForKind('kafka-connected');
  gateway = net.start('ocpp', ['ocpp', '--listen', '127.0.0.1:0', '--path', '/ocpp']);
  const listening = await gateway.waitForKind('listening');
  endpoint = `ws://127.0.0.1:${Number(listening['port'])}/ocpp`;

  const st = station(endpoint, 'OCPP1');
  await st.connect();
  const boot = (await st.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'test-station' })) as { status: string; interval: number };
  assert.equal(boot.status, 'Accepted');
  assert.equal(boot.interval, 60);
  await central.waitForKind('cp-registered', { cpId: 'OCPP1' });
  const hb = (await st.call('Heartbeat', {})) as { currentTime: string };
  assert.ok(Number.isFinite(Date.parse(hb.currentTime)));
  assert.deepEqual(await st.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }), {});

  const auth = (await st.call('Authorize', { idTag: 'DRV1' })) as { idTagInfo: { status: string } };
  assert.equal(auth.idTagInfo.status, 'Accepted', gateway.outcome());
  const meterStart = 12_000;
  const startSent = Date.now();
  const start = (await st.call('StartTransaction', { connectorId: 1, idTag: 'DRV1', meterStart, timestamp: new Date().toISOString() })) as {
    transactionId: number;
    idTagInfo: { status: string };
  };
  assert.equal(start.idTagInfo.status, 'Accepted');
  assert.ok(Number.isInteger(start.transactionId));
  // Granted at Authorize, started when the station says so.
  const started = await central.waitForKind('supply-started', { cpId: 'OCPP1' });
  assert.ok(started.at >= startSent, 'central heard of the start only after the StartTransaction');

  // A second station misbehaves meanwhile: malformed frames, a schema-invalid boot, an unknown action.
  const bad = station(endpoint, 'BAD1', { strictMode: false });
  const frames = inboundFrames(bad);
  await bad.connect();
  bad.sendRaw('this is not json');
  await until('a CALLERROR for the malformed frame', () => frames.find((f) => f[0] === 4));
  assert.equal(frames.find((f) => f[0] === 4)![2], 'FormationViolation', 'the 1.6 name of a frame error');
  assert.equal(await errorCodeOf(bad.call('BootNotification', { chargePointVendor: 42, chargePointModel: 'x' })), 'TypeConstraintViolation');
  assert.equal(await errorCodeOf(bad.call('BootNotification', { chargePointModel: 'x' })), 'OccurenceConstraintViolation');
  assert.equal(await errorCodeOf(bad.call('BootNotification', { chargePointVendor: 'v'.repeat(21), chargePointModel: 'x' })), 'FormationViolation');
  assert.equal(await errorCodeOf(bad.call('MakeCoffee', {})), 'NotImplemented');
  for (let i = 0; i < 1000; i++) bad.sendRaw(i % 2 ? '[2,' : '{"not":"an array"}');
  await until('1000 more CALLERRORs', () => (frames.filter((f) => f[0] === 4).length >= 1001 ? true : undefined), 20000);

  // The good station's meter goes on, once a second, through all of that.
  for (let i = 1; i <= 4; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(await st.call('MeterValues', meterValues(start.transactionId, meterStart + 1000 * i, 7200)), {});
  }
  await gateway.waitFor((e) => e.kind === 'telemetry' && e['cpId'] === 'OCPP1' && Number(e['kwh']) === 4, 'telemetry at 4 kWh');

  const remoteStop = nextCall(st, 'RemoteStopTransaction', { status: 'Accepted' });
  const availability = nextCall(st, 'ChangeAvailability', { status: 'Accepted' });
  await central.ask('stop OCPP1', (t) => /OCPP1/.test(t), 'stop answer');
  assert.deepEqual(await remoteStop, { transactionId: start.transactionId });
  assert.deepEqual(await availability, { connectorId: 0, type: 'Inoperative' });

  const meterStop = 16_321;
  await st.call('StopTransaction', { transactionId: start.transactionId, meterStop, timestamp: new Date().toISOString(), reason: 'Remote' });
  const ended = await central.waitForKind('supply-ended', { cpId: 'OCPP1' });
  assert.equal(ended['kwh'], (meterStop - meterStart) / 1000);
  assert.equal(ended['driverId'], 'DRV1');
  assert.equal(ended['reason'], 'central-stop');
  assert.equal(ended['totalEur'], Math.round(4.321 * 0.35 * 100) / 100);
  await central.waitForCpState('OCPP1', 'OUT_OF_SERVICE');
  assert.equal(central.count('supply-ended', { cpId: 'OCPP1' }), 1, 'exactly one ticket');

  // The gateway and the good station are still there after the flood.
  assert.equal(gateway.exitCode(), null);
  assert.ok(((await st.call('Heartbeat', {})) as { currentTime?: string }).currentTime);
  await gateway.waitFor((e) => e.kind === 'bad-message' && e['cpId'] === 'BAD1' && Number(e['count']) >= 1000, 'the flood counted');
  assert.ok(gateway.count('bad-message', { cpId: 'BAD1' }) <= 12, 'a flood is reported once a hundred, not line by line');
  assert.equal(gateway.count('bad-message', { cpId: 'OCPP1' }), 0);
  const resumed = nextCall(st, 'ChangeAvailability', { status: 'Accepted' });
  await central.ask('resume OCPP1', (t) => /OCPP1/.test(t), 'resume answer');
  assert.deepEqual(await resumed, { connectorId: 0, type: 'Operative' });
});

test('evcharge driver --cp <station> starts the charge with RemoteStartTransaction, and its --kwh stop ends it with the station\'s meter', async () => {
  const st = stations[0]!;
  const remoteStart = nextCall(st, 'RemoteStartTransaction', { status: 'Accepted' });
  const driver = net.driver('DRV2', ['--cp', 'OCPP1', '--kwh', '1.5']);
  assert.deepEqual(await remoteStart, { connectorId: 1, idTag: 'DRV2' });
  // As a station does with AuthorizeRemoteTxRequests: it asks first, and the grant is found.
  assert.equal(((await st.call('Authorize', { idTag: 'DRV2' })) as { idTagInfo: { status: string } }).idTagInfo.status, 'Accepted');
  const meterStart = 50_000;
  const start = (await st.call('StartTransaction', { connectorId: 1, idTag: 'DRV2', meterStart, timestamp: new Date().toISOString() })) as { transactionId: number; idTagInfo: { status: string } };
  assert.equal(start.idTagInfo.status, 'Accepted');
  let stopAsked = false;
  const remoteStop = nextCall(st, 'RemoteStopTransaction', { status: 'Accepted' }).then((p) => ((stopAsked = true), p));
  let wh = meterStart;
  // The station's meter, once a second, until the driver's stop reaches it.
  while (!stopAsked) {
    await new Promise((r) => setTimeout(r, 1000));
    if (stopAsked) break;
    wh += 500;
    await st.call('MeterValues', meterValues(start.transactionId, wh, 11_000));
    assert.ok(wh < meterStart + 10_000, `no RemoteStopTransaction after ${(wh - meterStart) / 1000} kWh:\n${driver.outcome()}`);
  }
  assert.deepEqual(await remoteStop, { transactionId: start.transactionId });
  await st.call('StopTransaction', { transactionId: start.transactionId, meterStop: wh, timestamp: new Date().toISOString(), reason: 'Remote' });
  const { code } = await driver.exited;
  assert.equal(code, 0, driver.outcome());
  const tickets = driver.events.filter((e) => e.kind === 'ticket');
  assert.equal(tickets.length, 1);
  assert.equal(tickets[0]!['kwh'], (wh - meterStart) / 1000);
  assert.ok(Number(tickets[0]!['kwh']) >= 1.5);
  assert.equal(tickets[0]!['reason'], 'driver-stop');
});

test('closing the socket makes the CP DISCONNECTED on central; reconnected, it is AVAILABLE again, and Faulted mid-supply ends the supply at the last reading (FAULTED on central)', async () => {
  const st = stations[0]!;
  await st.close();
  await gateway.waitForKind('station-disconnected', { cpId: 'OCPP1' });
  await central.waitForKind('cp-disconnected', { cpId: 'OCPP1' }, 10000);
  await central.waitForCpState('OCPP1', 'DISCONNECTED');

  // Back on the same gateway: the same CP instance, accepted again at once; its faults reach central.
  const again = station(endpoint, 'OCPP1');
  await again.connect();
  const boot = (await again.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'test-station' })) as { status: string };
  assert.equal(boot.status, 'Accepted');
  await central.waitForCpState('OCPP1', 'AVAILABLE');
  const auth = (await again.call('Authorize', { idTag: 'DRV3' })) as { idTagInfo: { status: string } };
  assert.equal(auth.idTagInfo.status, 'Accepted');
  const start = (await again.call('StartTransaction', { connectorId: 1, idTag: 'DRV3', meterStart: 1000, timestamp: new Date().toISOString() })) as { transactionId: number };
  await again.call('MeterValues', meterValues(start.transactionId, 1800, 3600));
  await gateway.waitFor((e) => e.kind === 'telemetry' && e['cpId'] === 'OCPP1' && Number(e['kwh']) === 0.8, 'telemetry at 0.8 kWh');
  await again.call('StatusNotification', { connectorId: 1, errorCode: 'GroundFailure', status: 'Faulted' });
  const ended = await central.waitFor((e) => e.kind === 'supply-ended' && e['driverId'] === 'DRV3', 'the faulted supply ended');
  assert.equal(ended['reason'], 'cp-fault');
  assert.equal(ended['kwh'], 0.8, 'billed at the last reading');
  await central.waitForCpState('OCPP1', 'FAULTED');
  // The station's own StopTransaction for the transaction the fault ended: acknowledged, no second ticket.
  await again.call('StopTransaction', { transactionId: start.transactionId, meterStop: 1850, timestamp: new Date().toISOString(), reason: 'Other' });
  await again.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' });
  await central.waitForCpState('OCPP1', 'AVAILABLE');
  assert.equal(central.count('supply-ended', { driverId: 'DRV3' }), 1);
});

test('the handshake refuses another subprotocol, a bad station id and another path', async () => {
  const wrongProtocol = station(endpoint, 'OCPP2', { protocols: ['ocpp2.0.1'] });
  await assert.rejects(wrongProtocol.connect());
  const badId = station(endpoint, 'no spaces allowed');
  await assert.rejects(badId.connect());
  const wrongPath = station(endpoint.replace('/ocpp', '/elsewhere'), 'OCPP3');
  await assert.rejects(wrongPath.connect());
  await gateway.waitFor((e) => e.kind === 'station-refused' && /subprotocol/.test(String(e['reason'])), 'subprotocol refusal');
  await gateway.waitFor((e) => e.kind === 'station-refused' && /station id/.test(String(e['reason'])), 'station id refusal');
  await gateway.waitFor((e) => e.kind === 'station-refused' && e['code'] === 404, 'path refusal');
  assert.equal(gateway.exitCode(), null);
});

test('a station whose id a live CP process already has is Rejected at boot and let go', async () => {
  net.cp('DUP1');
  await central.waitForKind('cp-registered', { cpId: 'DUP1' });
  const dup = station(endpoint, 'DUP1');
  const closed = new Promise<{ code: number }>((resolve) => dup.once('close', resolve));
  await dup.connect();
  const boot = (await dup.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'test-station' })) as { status: string };
  assert.equal(boot.status, 'Rejected');
  assert.equal((await closed).code, 1008);
  await gateway.waitFor((e) => e.kind === 'station-refused' && e['cpId'] === 'DUP1' && /already registered/.test(String(e['reason'])), 'the refusal');
  assert.equal(gateway.exitCode(), null);
});

test('a frame over 1 MiB closes only that station\'s connection (1009)', async () => {
  const big = station(endpoint, 'BIG1');
  const closed = new Promise<{ code: number }>((resolve) => big.once('close', resolve));
  await big.connect();
  big.sendRaw(`[2,"1","DataTransfer",{"vendorId":"x","data":"${'x'.repeat(2 * 1024 * 1024)}"}]`);
  assert.equal((await closed).code, 1009);
  await gateway.waitForKind('station-disconnected', { cpId: 'BIG1' });
  assert.equal(gateway.exitCode(), null);
});

test('a second gateway on a port already taken exits 2 with one line naming --listen, no stack trace', async () => {
  const port = new URL(endpoint).port;
  const second = net.start('ocpp-2', ['ocpp', '--listen', `127.0.0.1:${port}`]);
  const { code } = await second.exited;
  assert.equal(code, 2);
  assert.match(second.stderr, /^evcharge ocpp: --listen 127\.0\.0\.1:\d+: cannot listen there \(EADDRINUSE\)/);
  assert.doesNotMatch(second.stderr, /\n\s+at /);
});
