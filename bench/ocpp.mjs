// The OCPP gateway under load (issue 14): N stations (bench/ocpp-stations.mjs, real sockets,
// ocpp-rpc's client) on one `evcharge ocpp` gateway, central headless. Measures the gateway's CPU
// and RSS over a steady window once every station is connected, the MeterValues the stations
// actually sent, then RemoteStartTransaction round trips from `evcharge driver` processes fed by
// stdin: request written → station's StartTransaction → driver told, each followed by a stop.
import path from 'node:path';
import { ROOT, ProcSampler, round, sleep } from './lib/env.mjs';

const dist = (p) => import(path.join(ROOT, 'dist/src', p));
const pad = (i) => String(i + 1).padStart(5, '0');
const PREFIX = 'OB';

/** The phase's sizes: `--ocpp-stations N` sets N of a full run. */
export function ocppSizes(smoke, stations) {
  return smoke
    ? { stations: 20, pool: 4, drivers: 2, roundTrips: 6, windowSeconds: 5, settleSeconds: 1 }
    : { stations: stations ?? 1000, pool: 50, drivers: 4, roundTrips: 200, windowSeconds: 60, settleSeconds: 10 };
}

/** Asks the load tool for its counters now (SIGUSR2) and waits for that answer. */
let asked = 0;
function counters(load) {
  const n = ++asked;
  load.signal('SIGUSR2');
  return load.waitFor((e) => e.kind === 'counters' && e.n === n, 'the stations\' counters', 15000);
}

export async function phaseOcpp(b) {
  const { log } = b;
  const S = b.P.ocpp;
  const pool = Math.min(S.pool, S.stations);
  const cfg = b.isolatedConfig(b.newTag('ocpp'), { ...b.topicSettings, heartbeatTimeoutMs: 10_000 });
  b.configs.push(cfg);
  const central = b.centralProcess(cfg);
  await b.waitServing(central);
  const gateway = b.track(new b.BinProcess(['ocpp', '--config', cfg.path, '--listen', '127.0.0.1:0', '--path', '/ocpp'], { name: 'ocpp-gateway' }));
  const listening = await gateway.waitFor((e) => e.kind === 'listening', 'the gateway listening', 60000);
  const endpoint = `ws://127.0.0.1:${listening.port}/ocpp`;
  log(`ocpp: gateway (pid ${gateway.pid}) at ${endpoint}; ${S.stations} stations connecting 50 at a time (${pool} of them wait for RemoteStart, the others charge)`);

  const load = b.track(
    new b.BinProcess([], {
      name: 'ocpp-stations',
      script: path.join(ROOT, 'bench/ocpp-stations.mjs'),
      scriptArgs: ['--endpoint', endpoint, '--count', String(S.stations), '--pool', String(pool), '--prefix', PREFIX, '--ramp', '50'],
    }),
  );
  const ready = await load.waitFor((e) => e.kind === 'ready', 'every station booted', 600_000);
  log(`ocpp: ${ready.accepted}/${S.stations} stations Accepted in ${round(ready.rampMs / 1000, 1)} s; ${ready.localStarted} charging; not accepted ${JSON.stringify(ready.notAccepted)}, connect failures ${ready.connectFailed}, failed calls ${JSON.stringify(ready.callsFailed)}`);

  // The steady window: every station connected, the charging ones sending MeterValues.
  await sleep(S.settleSeconds * 1000);
  const gw = new ProcSampler(gateway.pid, 1000);
  const ce = new ProcSampler(central.pid, 1000);
  const st = new ProcSampler(load.pid, 1000);
  for (const s of [gw, ce, st]) s.mark();
  const before = await counters(load);
  await sleep(S.windowSeconds * 1000);
  const after = await counters(load);
  const [gwS, ceS, stS] = [gw, ce, st].map((s) => (s.stop(), s.summary()));
  const seconds = (after.at - before.at) / 1000;
  const meterValuesPerSecond = round((after.meterValues - before.meterValues) / seconds, 1);
  const heartbeatsPerSecond = round((after.heartbeats - before.heartbeats) / seconds, 1);
  log(`ocpp: steady ${round(seconds, 1)} s: gateway CPU ${round((gwS.cpuShareMean ?? 0) * 100, 1)} % of a core, RSS ${gwS.rssMaxMb} MB; ${meterValuesPerSecond} MeterValues/s, ${heartbeatsPerSecond} heartbeats/s (stations' process ${round((stS.cpuShareMean ?? 0) * 100, 1)} %)`);

  const trips = await roundTrips(b, cfg, load, pool, S);
  const end = await counters(load);
  log(`ocpp: RemoteStart round trip (request → driver told) p50 ${trips.driverToldMs.p50} p99 ${trips.driverToldMs.p99} ms over ${trips.driverToldMs.count}; → station's StartTransaction p50 ${trips.startTransactionMs.p50} p99 ${trips.startTransactionMs.p99}; ${trips.failures.length} failed`);
  // Read before the load tool closes its sockets: any disconnect so far was not asked for.
  const gatewayFailures = gateway.events.filter((e) => e.kind === 'call-failed' || e.kind === 'station-refused');
  const disconnects = gateway.events.filter((e) => e.kind === 'station-disconnected').length;
  await load.stop(10000);
  await gateway.stop();
  await central.stop();
  return {
    stations: S.stations,
    stationsConnected: ready.connected,
    stationsAccepted: ready.accepted,
    stationsNotAccepted: ready.notAccepted,
    connectFailed: ready.connectFailed,
    rampSeconds: round(ready.rampMs / 1000, 1),
    charging: before.inTransaction,
    localStartsRefused: ready.localRefused,
    poolStations: pool,
    windowSeconds: round(seconds, 1),
    meterIntervalS: 10,
    heartbeatIntervalS: 60,
    meterValuesPerSecond,
    heartbeatsPerSecond,
    gatewayCpuShare: gwS.cpuShareMean,
    gatewaySysShare: gwS.sysShareMean,
    gatewayCpuShareP90: gwS.cpuShareP90,
    gatewayRssMaxMb: gwS.rssMaxMb,
    centralCpuShare: ceS.cpuShareMean,
    centralRssMaxMb: ceS.rssMaxMb,
    stationsProcessCpuShare: stS.cpuShareMean,
    ...trips,
    callsFailed: end.callsFailed,
    errorSamples: end.errorSamples,
    gatewayFailures: gatewayFailures.length,
    gatewayFailureSamples: gatewayFailures.slice(0, 5).map((e) => `${e.kind} ${e.cpId ?? ''} ${e.action ?? ''} ${e.error ?? e.reason ?? ''}`.trim()),
    gatewayDisconnectsBeforeStop: disconnects,
  };
}

/**
 * `drivers` long-lived `evcharge driver` processes, each fed `request CP` / `stop` lines on stdin,
 * each on its own share of the pool's stations. One round trip: the line is written (t0), the
 * station's StartTransaction is answered (the load tool's event), the driver prints
 * supply-started; then `stop` and its ticket, so the station is free for the next one.
 */
async function roundTrips(b, cfg, load, pool, S) {
  const { summarize } = await dist('sim/latency.js');
  const n = Math.min(S.drivers, pool);
  const drivers = Array.from({ length: n }, (_, d) => b.track(new b.BinProcess(['driver', '--id', `${cfg.tag.slice(-6)}D${d + 1}`.toUpperCase(), '--config', cfg.path], { name: `ocpp-driver-${d + 1}` })));
  await Promise.all(drivers.map((d) => d.waitFor((e) => e.kind === 'ready', 'the driver ready', 60000)));
  const driverTold = [];
  const startTx = [];
  const remoteStart = [];
  const both = [];
  const failures = [];
  /** Each driver's first round trip, not counted: its producer and the first records' metadata are cold. */
  const warmupMs = [];
  let next = 0;
  // Driver d's stations: d, d + n, d + 2n, … of the pool, in turn.
  const mine = drivers.map((_, d) => Array.from({ length: pool }, (_, i) => i).filter((i) => i % n === d).map((i) => `${PREFIX}${pad(i)}`));
  const WAIT = 30000;
  const one = async (driver, cpId, warmup) => {
    const t0 = Date.now();
    driver.child.stdin.write(`request ${cpId}\n`);
    const told = await driver.waitFor((e) => e.at >= t0 && e.cpId === cpId && ['supply-started', 'denied', 'timeout'].includes(e.kind), `supply-started at ${cpId}`, WAIT);
    if (told.kind !== 'supply-started') throw new Error(`${cpId}: ${told.kind} ${told.reason ?? ''}`);
    const remote = await load.waitFor((e) => e.kind === 'remote-start' && e.cpId === cpId && e.at >= t0, `RemoteStartTransaction at ${cpId}`, WAIT);
    const tx = await load.waitFor((e) => e.kind === 'transaction-started' && e.cpId === cpId && e.at >= t0, `StartTransaction at ${cpId}`, WAIT);
    if (tx.status !== 'Accepted') throw new Error(`${cpId}: StartTransaction ${tx.status}`);
    if (warmup) warmupMs.push(Math.max(told.at, tx.at) - t0);
    else {
      driverTold.push(told.at - t0);
      remoteStart.push(remote.at - t0);
      startTx.push(tx.at - t0);
      both.push(Math.max(told.at, tx.at) - t0);
    }
    const t1 = Date.now();
    driver.child.stdin.write('stop\n');
    await driver.waitFor((e) => e.at >= t1 && (e.kind === 'ticket' || e.kind === 'command-error'), `the ticket at ${cpId}`, WAIT);
    await load.waitFor((e) => e.kind === 'transaction-stopped' && e.cpId === cpId && e.at >= t1, `StopTransaction at ${cpId}`, WAIT);
  };
  const t0 = Date.now();
  await Promise.all(
    drivers.map(async (driver, d) => {
      for (let k = 0; ; k++) {
        const warmup = k === 0;
        if (!warmup && next >= S.roundTrips) return;
        if (!warmup) next++;
        const cpId = mine[d][k % mine[d].length];
        try {
          await one(driver, cpId, warmup);
        } catch (e) {
          failures.push(String(e?.message ?? e).slice(0, 300));
          if (failures.length > S.roundTrips / 4) return;
        }
      }
    }),
  );
  const seconds = round((Date.now() - t0) / 1000, 1);
  await Promise.all(drivers.map((d) => (d.child.stdin.end(), d.stop(20000))));
  return {
    roundTripDrivers: n,
    roundTripSeconds: seconds,
    driverToldMs: summarize(driverTold),
    remoteStartMs: summarize(remoteStart),
    startTransactionMs: summarize(startTx),
    roundTripMs: summarize(both),
    warmupMs,
    failures,
  };
}
