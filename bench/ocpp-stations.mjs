#!/usr/bin/env node
// The OCPP benchmark's load tool: N charging stations in one Node process, each an ocpp-rpc
// RPCClient (strict OCPP 1.6J) on its own WebSocket to one gateway. Run by bench/ocpp.mjs as its
// own process, so its CPU is neither the gateway's nor the bench's.
//
//   node bench/ocpp-stations.mjs --endpoint ws://127.0.0.1:PORT/ocpp --count 1000 --pool 50
//     [--prefix OB] [--ramp 50] [--meter-s 10] [--heartbeat-s 60]
//
// Stations connect --ramp at a time: BootNotification (Accepted expected), StatusNotification
// Available. The first --pool stations then wait for RemoteStartTransaction (the round trips);
// every other one starts a transaction of its own (StartTransaction with its own idTag) and keeps
// it open. Heartbeat every --heartbeat-s, and MeterValues every --meter-s while in a transaction,
// each station's timers at a random offset so the load is even. A station answers
// RemoteStartTransaction Accepted, then sends StartTransaction; RemoteStopTransaction Accepted,
// then StopTransaction.
//
// JSON lines on stdout: `ready` once every station booted (and the others' transactions started),
// `transaction-started` / `transaction-stopped` of the pool's stations, `counters` on SIGUSR2,
// `summary` on SIGTERM (then it closes every socket and exits).
import { RPCClient } from 'ocpp-rpc';
// The same MeterValues as the tests' stations send (built with the rest: npm run bench builds first).
import { meterValues } from '../dist/test/helpers/ocpp-client.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const endpoint = arg('--endpoint');
const count = Number(arg('--count', 1000));
const pool = Number(arg('--pool', 0));
const prefix = arg('--prefix', 'OB');
const ramp = Number(arg('--ramp', 50));
const meterMs = Number(arg('--meter-s', 10)) * 1000;
const heartbeatMs = Number(arg('--heartbeat-s', 60)) * 1000;
if (!endpoint) throw new Error('--endpoint ws://HOST:PORT/PATH is required');

const out = (obj) => process.stdout.write(JSON.stringify({ at: Date.now(), ...obj }) + '\n');
const pad = (i) => String(i + 1).padStart(5, '0');
const stationId = (p, i) => `${p}${pad(i)}`;

const c = { connected: 0, accepted: 0, notAccepted: {}, connectFailed: 0, localStarted: 0, localRefused: 0, meterValues: 0, heartbeats: 0, callsFailed: {}, remoteStarts: 0, remoteStops: 0 };
const errorSamples = [];
const bump = (map, key) => (map[key] = (map[key] ?? 0) + 1);
const failed = (action, e) => {
  bump(c.callsFailed, action);
  if (errorSamples.length < 10) errorSamples.push(`${action}: ${e?.rpcErrorCode ?? ''} ${e?.message ?? e}`.trim());
};
const timers = new Set();
const every = (ms, firstMs, fn) => {
  const t = { id: null };
  t.id = setTimeout(() => {
    fn();
    t.id = setInterval(fn, ms);
  }, firstMs);
  timers.add(t);
  return t;
};
const cancel = (t) => {
  if (!t) return;
  clearTimeout(t.id);
  clearInterval(t.id);
  timers.delete(t);
};

const stations = [];

/** One call; failures are counted by action, never thrown. */
async function call(st, action, params) {
  try {
    return await st.client.call(action, params);
  } catch (e) {
    failed(action, e);
    return null;
  }
}

async function startTransaction(st, idTag, remote) {
  const meterStart = st.wh;
  const r = await call(st, 'StartTransaction', { connectorId: 1, idTag, meterStart, timestamp: new Date().toISOString() });
  const status = r?.idTagInfo?.status ?? null;
  if (remote) out({ kind: 'transaction-started', cpId: st.id, idTag, status, transactionId: r?.transactionId ?? null });
  if (status !== 'Accepted') return false;
  st.tx = r.transactionId;
  // 7.2 kW: 20 Wh per 10 s reading.
  st.meter = every(meterMs, remote ? meterMs : Math.random() * meterMs, () => {
    st.wh += Math.round((7200 * meterMs) / 3_600_000);
    void call(st, 'MeterValues', meterValues(st.tx, st.wh, 7200)).then((ok) => ok && c.meterValues++);
  });
  return true;
}

async function stopTransaction(st, reason) {
  if (st.tx === null) return;
  cancel(st.meter);
  const transactionId = st.tx;
  st.tx = null;
  await call(st, 'StopTransaction', { transactionId, meterStop: st.wh, timestamp: new Date().toISOString(), reason });
  out({ kind: 'transaction-stopped', cpId: st.id, transactionId });
}


async function bootStation(i) {
  const st = { id: stationId(prefix, i), tx: null, wh: 10_000 + i, meter: null, heartbeat: null };
  st.client = new RPCClient({ endpoint, identity: st.id, protocols: ['ocpp1.6'], strictMode: true, reconnect: false });
  st.client.handle('RemoteStartTransaction', ({ params }) => {
    c.remoteStarts++;
    out({ kind: 'remote-start', cpId: st.id, idTag: params.idTag });
    setImmediate(() => void startTransaction(st, params.idTag, true));
    return { status: 'Accepted' };
  });
  st.client.handle('RemoteStopTransaction', () => {
    c.remoteStops++;
    setImmediate(() => void stopTransaction(st, 'Remote'));
    return { status: 'Accepted' };
  });
  st.client.handle('ChangeAvailability', () => ({ status: 'Accepted' }));
  stations.push(st);
  try {
    await st.client.connect();
    c.connected++;
  } catch (e) {
    c.connectFailed++;
    if (errorSamples.length < 10) errorSamples.push(`connect ${st.id}: ${e?.message ?? e}`);
    return;
  }
  const boot = await call(st, 'BootNotification', { chargePointVendor: 'evcharge-bench', chargePointModel: 'ocpp-stations' });
  if (boot?.status !== 'Accepted') return void bump(c.notAccepted, boot?.status ?? 'no answer');
  c.accepted++;
  await call(st, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
  st.heartbeat = every(heartbeatMs, Math.random() * heartbeatMs, () => void call(st, 'Heartbeat', {}).then((ok) => ok && c.heartbeats++));
  if (i >= pool) {
    if (await startTransaction(st, `${prefix}T${pad(i)}`, false)) c.localStarted++;
    else c.localRefused++;
  }
}

let sent = 0;
const counters = () => ({ ...c, notAccepted: { ...c.notAccepted }, callsFailed: { ...c.callsFailed }, inTransaction: stations.filter((s) => s.tx !== null).length, errorSamples });
process.on('SIGUSR2', () => out({ kind: 'counters', n: ++sent, ...counters() }));
process.on('SIGTERM', () => {
  out({ kind: 'summary', ...counters() });
  for (const t of [...timers]) cancel(t);
  void Promise.all(stations.map((s) => s.client.close({ force: true }).catch(() => {}))).then(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
});

const t0 = Date.now();
for (let i = 0; i < count; i += ramp) {
  await Promise.all(Array.from({ length: Math.min(ramp, count - i) }, (_, k) => bootStation(i + k)));
}
out({ kind: 'ready', rampMs: Date.now() - t0, ...counters() });
