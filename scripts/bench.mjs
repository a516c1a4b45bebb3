#!/usr/bin/env node
// `npm run bench`: how fast evcharge really is, side by side with what its Kafka client (kafkajs)
// does on the same broker. Needs a Kafka (starts a one-node local one when none answers, and stops
// it after). Central always runs as its own process; the load comes from `evcharge sim`.
//
//   node scripts/bench.mjs            the full run (about 8 minutes)
//   node scripts/bench.mjs --smoke    a few seconds of each phase at small N (CI)
//   node scripts/bench.mjs --only ceiling,latency,security,ocpp,scale,growth,maxn,takeover
//   --messages N --ingest-cps N       the ingest backlog's size and its CPs (default 100000, 100)
//   --ocpp-stations N                 stations on the one OCPP gateway (default 1000)
//   --out DIR                         where latest.json / latest.md go (default bench/results)
//   --partitions N --rf N             topic settings (default 3 partitions; RF 3 / min ISR 2 on a
//                                     cluster of 3+ brokers, else RF 1)
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BinProcess,
  LagSampler,
  ProcSampler,
  ROOT,
  deleteTopics,
  findKafka,
  groupLag,
  isolatedConfig,
  kafkaClient,
  log,
  machine,
  newTag,
  round,
  sleep,
} from '../bench/lib/env.mjs';
import { evchargeProducer, rawConsume, rawPing, rawProduce } from '../bench/ceiling.mjs';
import { fabricatedSupplies, telemetryFor, timeBacklog } from '../bench/ingest.mjs';
import { phaseSecurity } from '../bench/security.mjs';
import { ocppSizes, phaseOcpp } from '../bench/ocpp.mjs';
import { renderMarkdown } from '../bench/report.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const smoke = flag('--smoke');
const only = opt('--only', null)?.split(',');
const outDir = path.resolve(ROOT, opt('--out', smoke ? path.join(os.tmpdir(), 'evcharge-bench-smoke') : 'bench/results'));
const want = (phase) => !only || only.includes(phase);
/** --profile DIR: central runs with --cpu-prof and writes its profiles there. */
const profileDir = opt('--profile', null);
const profArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];

const P = smoke
  ? {
      ceilingMessages: 2000,
      ingestCps: 10,
      latency: { cps: 10, drivers: 10, requests: 20, supplySeconds: 1.5 },
      ping: 20,
      scale: { cps: 10, seconds: 4 },
      growth: [20],
      growthSeconds: 4,
      maxn: [],
      takeoverKills: 2,
    }
  : {
      ceilingMessages: 100_000,
      ingestCps: 100,
      latency: { cps: 100, drivers: 100, requests: 1000, supplySeconds: 2 },
      ping: 200,
      scale: { cps: 1000, seconds: 60 },
      growth: (opt("--growth", null)?.split(",").map(Number)) ?? [100, 1000, 5000],
      growthSeconds: Number(opt("--seconds", 30)),
      maxn: [2000, 3000, 7500, 10000],
      takeoverKills: 10,
    };

P.ocpp = ocppSizes(smoke, opt('--ocpp-stations', null) ? Number(opt('--ocpp-stations')) : undefined);

// --messages N / --ingest-cps N: the ingest's backlog and its CPs (both ingest phases).
if (opt('--messages', null)) P.ceilingMessages = Number(opt('--messages'));
if (opt('--ingest-cps', null)) P.ingestCps = Number(opt('--ingest-cps'));

const results = {
  at: new Date().toISOString(),
  mode: smoke ? 'smoke' : 'full',
  machine: machine(),
  conditions: {},
  ceiling: null,
  ingest: null,
  latency: null,
  scale: null,
  growth: [],
  maxN: null,
  takeover: null,
  security: null,
  ocpp: null,
  notes: [],
};

const kafkaEnv = await findKafka();
const kafka = kafkaClient(kafkaEnv.brokers);
const admin = kafka.admin();
await admin.connect();
const rf = Number(opt('--rf', kafkaEnv.brokers.length >= 3 ? 3 : 1));
const topicSettings = { brokers: kafkaEnv.brokers, partitions: Number(opt('--partitions', 3)), rf, minIsr: rf >= 3 ? 2 : 1 };
results.conditions = {
  brokers: kafkaEnv.brokers,
  startedKafka: kafkaEnv.started,
  partitions: topicSettings.partitions,
  replicationFactor: topicSettings.rf,
  minInsyncReplicas: topicSettings.minIsr,
  acks: -1,
  note: 'a shared 2-core machine: other work (tests, builds, a Kafka cluster) may run at the same time; see loadavg',
};
log(`Kafka ${kafkaEnv.brokers.join(',')}; topics: ${topicSettings.partitions} partitions, RF ${rf}, min ISR ${topicSettings.minIsr}`);

const configs = [];
const processes = new Set();
const track = (p) => (processes.add(p), p.exited.then(() => processes.delete(p)), p);
const cleanup = async () => {
  await Promise.all([...processes].map((p) => p.stop(5000)));
  await Promise.all(configs.map((c) => deleteTopics(kafka, c)));
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

/** Central as its own process: the real binary, or (tui) bench/central-tui.mjs, same JSON lines. */
function centralProcess(cfg, { tui = false, nodeArgs = [] } = {}) {
  if (!tui) return track(new BinProcess(['central', '--config', cfg.path], { name: 'central', nodeArgs }));
  // The CLI has no central TUI yet: the helper runs the real role and screen in a virtual terminal.
  return track(new BinProcess([], { name: 'central-tui', nodeArgs, script: path.join(ROOT, 'bench/central-tui.mjs'), scriptArgs: ['--config', cfg.path] }));
}

async function waitServing(central) {
  await central.waitFor((e) => e.kind === 'serving', 'central serving', 60000);
  // Central has just created its topics: on several brokers their metadata spreads a moment
  // later, and a producer asking a broker that has not heard yet fails (see createSettledTopics).
  await new Promise((r) => setTimeout(r, kafkaEnv.brokers.length > 1 ? 3000 : 0));
}

function simArgs(cfg, { cps, drivers, seconds, supplySeconds, pause = 0.5, rate = 1, maxRequests, reportEvery = 2 }) {
  return [
    'sim', '--config', cfg.path, '--cps', String(cps), '--drivers', String(drivers), '--rate', String(rate), '--duration', String(seconds),
    '--supply-seconds', String(supplySeconds), '--pause-seconds', String(pause), '--report-every', String(reportEvery),
    ...(maxRequests ? ['--max-requests', String(maxRequests)] : []),
  ];
}

// ---------------------------------------------------------------------------------------------
// (1) ceiling and (2) central ingest
// ---------------------------------------------------------------------------------------------
async function phaseCeilingAndIngest() {
  const cfg = isolatedConfig(newTag('ingest'), { ...topicSettings, heartbeatTimeoutMs: 600_000, sessionTimeoutMs: 60_000 });
  configs.push(cfg);
  const M = P.ceilingMessages;
  const central = centralProcess(cfg, { nodeArgs: profArgs });
  await waitServing(central);
  log(`ingest: central up (pid ${central.pid}); registering ${P.ingestCps} CPs and opening a supply on each`);

  // Fabricated CPs and drivers (valid protocol messages): central grants a session per CP.
  const cps = await fabricatedSupplies({ kafka, cfg, central, cpCount: P.ingestCps });
  const telemetry = telemetryFor(cps, M);
  const valueBytes = Math.round(telemetry.reduce((n, m) => n + m.value.length, 0) / M);

  // The ceiling, on a topic with the same settings (central's own topics stay untouched).
  const ceilingTopic = `${cfg.tag}.ceiling`;
  const relayTopic = `${cfg.tag}.ceiling-relay`;
  await createSettledTopics(
    [ceilingTopic, relayTopic].map((topic) => ({
      topic,
      numPartitions: cfg.partitions,
      replicationFactor: cfg.rf,
      configEntries: [{ name: 'min.insync.replicas', value: String(cfg.minIsr) }],
    })),
  );
  log(`ceiling: producing ${M} telemetry records (${valueBytes} B each) with kafkajs`);
  const produce = await rawProduce(kafka, ceilingTopic, telemetry);
  log(`ceiling: produce ${produce.perSecond}/s; consuming them back`);
  const consume = await rawConsume(kafka, ceilingTopic, M, { groupId: `${cfg.tag}-raw-consume` });
  log(`ceiling: consume ${consume.perSecond}/s; consume + relay one record each`);
  const relay = await rawConsume(kafka, ceilingTopic, M, { groupId: `${cfg.tag}-raw-relay`, relayTopic });
  log(`ceiling: consume+relay ${relay.perSecond}/s`);
  results.ceiling = { messages: M, valueBytes, produce, consume, consumeAndRelay: relay };

  // Central's ingest: a backlog of M telemetry records, written while central is paused (SIGSTOP),
  // then timed from SIGCONT until central's group has committed all of it.
  const ingest = await timeBacklog({ kafka, admin, cfg, central, telemetry, endOffset });
  results.ingest = {
    ...ingest,
    ratioToConsume: round(ingest.perSecond / consume.perSecond, 3),
    ratioToConsumeAndRelay: round(ingest.perSecond / relay.perSecond, 3),
  };
  log(`ingest: central applied ${M - ingest.lagLeft} in ${ingest.seconds} s = ${ingest.perSecond}/s (relayed ${ingest.relayed}); ratio ${results.ingest.ratioToConsume} of raw consume, ${results.ingest.ratioToConsumeAndRelay} of consume+relay`);
  await central.stop();
  // Not deleted here: the shared admin would keep asking for them, and on several brokers a
  // deleted topic fails its later metadata requests. They carry the run's tag.
}

/**
 * Creates topics and waits until their metadata answers: on a cluster of several brokers a new
 * topic reaches every broker a moment after createTopics returns, and a client that asks another
 * broker first hears "This server does not host this topic-partition".
 */
async function createSettledTopics(topics) {
  await admin.createTopics({ waitForLeaders: true, topics });
  for (const { topic } of topics) {
    for (let i = 0; ; i++) {
      try {
        await admin.fetchTopicMetadata({ topics: [topic] });
        break;
      } catch (e) {
        if (i >= 30) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  await new Promise((r) => setTimeout(r, 1000));
}

async function endOffset(topic) {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.offset), 0);
}

// ---------------------------------------------------------------------------------------------
// (3) authorization round trip and (4) supply start
// ---------------------------------------------------------------------------------------------
async function phaseLatency() {
  const cfg = isolatedConfig(newTag('latency'), topicSettings);
  configs.push(cfg);
  const pingTopic = `${cfg.tag}.ping`;
  await createSettledTopics([
    { topic: pingTopic, numPartitions: cfg.partitions, replicationFactor: cfg.rf, configEntries: [{ name: 'min.insync.replicas', value: String(cfg.minIsr) }] },
  ]);
  const { summarize } = await import(path.join(ROOT, 'dist/src/sim/latency.js'));
  const ping = summarize(await rawPing(kafka, pingTopic, P.ping, `${cfg.tag}-ping`));
  log(`latency: raw kafkajs produce→consume p50 ${ping.p50} ms p99 ${ping.p99} ms`);

  const central = centralProcess(cfg);
  await waitServing(central);
  const L = P.latency;
  const sim = track(new BinProcess(simArgs(cfg, { cps: L.cps, drivers: L.drivers, seconds: 120, supplySeconds: L.supplySeconds, pause: 0.1, maxRequests: L.requests }), { name: 'sim' }));
  const summary = await sim.waitFor((e) => e.kind === 'sim-summary', 'sim summary', 240_000);
  await sim.stop();
  await central.stop();
  results.latency = {
    cps: L.cps,
    drivers: L.drivers,
    requests: summary.requests,
    concurrency: `${L.drivers} drivers, each request → supply ${L.supplySeconds * 0.5}-${L.supplySeconds * 1.5} s → stop → ticket, in a loop`,
    rawKafkaRoundTripMs: ping,
    authRoundTripMs: summary.authRoundTripMs,
    supplyStartedMs: summary.supplyStartedMs,
    firstTelemetryMs: summary.firstTelemetryMs,
    telemetryIntervalMs: 1000,
    errors: summary.errors,
    timeouts: summary.timeouts,
    suppliesCompleted: summary.suppliesCompleted,
  };
  log(`latency: auth p50 ${summary.authRoundTripMs.p50} p99 ${summary.authRoundTripMs.p99} ms over ${summary.authRoundTripMs.count}; supply started p50 ${summary.supplyStartedMs.p50} p99 ${summary.supplyStartedMs.p99}; first telemetry p50 ${summary.firstTelemetryMs.p50} p99 ${summary.firstTelemetryMs.p99}`);
}

// ---------------------------------------------------------------------------------------------
// (5) scale and (6) growth: N CPs (all supplying, telemetry + heartbeat at 1 Hz) for S seconds
// ---------------------------------------------------------------------------------------------
async function loadRun(n, seconds, { tui = false, watchingDriver = false } = {}) {
  const cfg = isolatedConfig(newTag(`n${n}`), topicSettings);
  configs.push(cfg);
  const central = centralProcess(cfg, { tui, nodeArgs: profArgs });
  await waitServing(central);
  // An idle driver (its menu, headless) on the same network: what N other CPs' supplies cost it.
  const watcher = watchingDriver ? track(new BinProcess(['driver', '--id', 'BENCHWATCH', '--config', cfg.path], { name: 'watching-driver', nodeArgs: profArgs })) : null;
  if (watcher) await watcher.waitFor((e) => e.kind === 'kafka-connected', 'the watching driver connected', 60000);
  const tuiState = tui ? await Promise.race([central.waitFor((e) => e.kind === 'tui-started' || e.kind === 'tui-unavailable', 'tui start', 10000), sleep(10000).then(() => null)]) : null;
  const sim = track(new BinProcess(simArgs(cfg, { cps: n, drivers: n, seconds, supplySeconds: Math.max(10, seconds / 2), pause: 0.5 }), { name: `sim-${n}` }));
  const running = await sim.waitFor((e) => e.kind === 'sim-report' && e.phase === 'running', 'sim running', 180_000);
  const cpu = new ProcSampler(central.pid, 1000);
  cpu.mark();
  const simCpu = new ProcSampler(sim.pid, 1000);
  simCpu.mark();
  const watcherCpu = watcher ? new ProcSampler(watcher.pid, 1000) : null;
  watcherCpu?.mark();
  if (tui) central.signal('SIGUSR2');
  // A fresh admin per run: one that saw earlier runs' topics deleted keeps stale metadata.
  const lagAdmin = kafka.admin();
  await lagAdmin.connect();
  const lag = new LagSampler(lagAdmin, cfg.centralGroup, ['cp-register', 'auth-request', 'telemetry', 'health'].map((k) => cfg.topics[k]), 2000);
  const summary = await sim.waitFor((e) => e.kind === 'sim-summary', 'sim summary', (seconds + 120) * 1000);
  // The window: from "running" until the drivers stopped (the summary comes after the drain).
  const reports = sim.events.filter((e) => e.kind === 'sim-report' && e.phase === 'running');
  const cpuSummary = cpu.summary();
  cpu.stop();
  const simCpuSummary = simCpu.summary();
  simCpu.stop();
  const watcherSummary = watcherCpu?.summary() ?? null;
  watcherCpu?.stop();
  await watcher?.stop();
  await lag.finish();
  await lagAdmin.disconnect().catch(() => {});
  await sim.exited;
  const stopped = await central.stop();
  const frames = tui ? central.events.find((e) => e.kind === 'tui-frames') ?? null : null;
  const lagSummary = lag.summary();
  const offered = reports.length ? Math.round(reports.slice(1).reduce((a, r) => a + r.outRate, 0) / Math.max(1, reports.length - 1)) : null;
  const result = {
    cps: n,
    drivers: n,
    seconds,
    registerSeconds: round(running.registerMs / 1000, 1),
    supplyingAtEnd: reports.length ? reports[reports.length - 1].supplying : null,
    simOutPerSecond: offered,
    /** What the load asks for: a heartbeat per CP and a telemetry per supplying CP, per second. */
    simTargetPerSecond: n + (reports.length ? reports[reports.length - 1].supplying : n),
    simCpuShare: simCpuSummary.cpuShareMean,
    suppliesCompleted: summary.suppliesCompleted,
    requests: summary.requests,
    timeouts: summary.timeouts,
    failed: summary.suppliesFailed,
    centralCpuShare: cpuSummary.cpuShareMean,
    centralSysShare: cpuSummary.sysShareMean,
    centralCpuShareP90: cpuSummary.cpuShareP90,
    centralRssMaxMb: cpuSummary.rssMaxMb,
    ...(watcherSummary && { watchingDriverCpuShare: watcherSummary.cpuShareMean, watchingDriverSysShare: watcherSummary.sysShareMean, watchingDriverRssMaxMb: watcherSummary.rssMaxMb }),
    lag: lagSummary,
    authRoundTripMs: summary.authRoundTripMs,
    firstTelemetryMs: summary.firstTelemetryMs,
    central: tui ? 'bench/central-tui.mjs (role + CentralScreen in a virtual 200x60 terminal)' : 'evcharge central --no-tui --json',
    centralExit: stopped,
  };
  if (tui) {
    result.tui = frames
      ? { frames: frames.frames, renderMs: frames.renderMs }
      : { notMeasured: tuiState?.reason ?? 'the TUI helper reported no frames' };
  }
  // Keeps up: the lag stays bounded (no growth over the second half) and ends small.
  const perSecond = 2 * n;
  result.keepsUp = lagSummary.last !== null && lagSummary.last <= Math.max(200, perSecond) && (lagSummary.meanSecondHalf ?? 0) <= Math.max(200, perSecond * 2);
  // Whether the simulator (one process) managed to offer the load at all; if not, the run says
  // nothing about central's limit, only about the load generator's on this machine.
  result.loadDelivered = offered !== null && offered >= 0.85 * result.simTargetPerSecond && summary.timeouts === 0;
  log(
    `N=${n}${tui ? ' (TUI)' : ''}: central CPU ${round((cpuSummary.cpuShareMean ?? 0) * 100, 1)} % of a core (kernel ${round((cpuSummary.sysShareMean ?? 0) * 100, 1)} %), RSS ${cpuSummary.rssMaxMb} MB, ` +
      `lag max ${lagSummary.max} last ${lagSummary.last}; sim sent ${offered}/s (CPU ${round((simCpuSummary.cpuShareMean ?? 0) * 100, 1)} %); supplies ${summary.suppliesCompleted}; keeps up: ${result.keepsUp}` +
      (watcherSummary ? `; an idle driver ${round((watcherSummary.cpuShareMean ?? 0) * 100, 1)} % of a core (kernel ${round((watcherSummary.sysShareMean ?? 0) * 100, 1)} %)` : '') +
      (result.tui?.renderMs ? `; frame p50 ${result.tui.renderMs.p50} ms p99 ${result.tui.renderMs.p99} ms (${result.tui.frames})` : ''),
  );
  await deleteTopics(kafka, cfg);
  return result;
}

async function phaseScale() {
  results.scale = await loadRun(P.scale.cps, P.scale.seconds, { tui: true, watchingDriver: true });
}

// ---------------------------------------------------------------------------------------------
// (6) takeover: kill -9 the active central, a standby running; time to the new active's first decision
// ---------------------------------------------------------------------------------------------
async function phaseTakeover() {
  const cfg = isolatedConfig(newTag('takeover'), topicSettings);
  configs.push(cfg);
  const { randomUUID } = await import('node:crypto');
  const producer = evchargeProducer(kafka);
  await producer.connect();
  const role = (c) => c.waitFor((e) => e.kind === 'active' || e.kind === 'standby', 'an election result', 60000);
  let active = centralProcess(cfg);
  await role(active);
  await waitServing(active);
  let standby = centralProcess(cfg);
  await standby.waitFor((e) => e.kind === 'standby', 'standby', 60000);
  const samples = [];
  for (let i = 0; i < P.takeoverKills; i++) {
    const killedAt = Date.now();
    active.signal('SIGKILL');
    // A request for an unknown CP: the new active's first decision is its denial.
    const requestId = randomUUID();
    await producer.send({
      topic: cfg.topics['auth-request'],
      acks: -1,
      messages: [{ key: 'TKD1', value: JSON.stringify({ type: 'driver.request', sender: 'driver:TKD1', id: randomUUID(), ts: Date.now(), v: 1, payload: { requestId, driverId: 'TKD1', cpId: 'NOPE' } }) }],
    });
    const decided = await standby.waitFor((e) => e.kind === 'auth-denied' && e.requestId === requestId, `the new active's decision (kill ${i + 1})`, 60000);
    samples.push(decided.at - killedAt);
    log(`takeover ${i + 1}/${P.takeoverKills}: first decision ${decided.at - killedAt} ms after the kill`);
    await active.exited;
    active = standby;
    standby = centralProcess(cfg);
    await standby.waitFor((e) => e.kind === 'standby', 'standby', 60000);
  }
  await producer.disconnect();
  const sorted = [...samples].sort((a, b) => a - b);
  results.takeover = { kills: samples.length, samplesMs: samples, p50Ms: sorted[Math.floor((sorted.length - 1) / 2)] ?? null, maxMs: sorted[sorted.length - 1] ?? null, sessionMs: 2000 };
}

async function phaseGrowth() {
  for (const n of P.growth) {
    results.growth.push(await loadRun(n, P.growthSeconds));
  }
}

async function phaseMaxN() {
  const entry = (g) => ({ cps: g.cps, keepsUp: g.keepsUp && g.loadDelivered, centralKeptUp: g.keepsUp, loadDelivered: g.loadDelivered, cpu: g.centralCpuShare, simCpu: g.simCpuShare, simOut: g.simOutPerSecond, simTarget: g.simTargetPerSecond });
  const tried = results.growth.map(entry);
  let best = Math.max(0, ...tried.filter((t) => t.keepsUp).map((t) => t.cps));
  const worstFail = Math.min(Infinity, ...tried.filter((t) => !t.keepsUp).map((t) => t.cps));
  const candidates = P.maxn.filter((n) => n > best && n < worstFail);
  for (const n of candidates.slice(0, 2)) {
    const r = await loadRun(n, P.growthSeconds);
    tried.push(entry(r));
    results.growth.push(r);
    if (r.keepsUp && r.loadDelivered) best = Math.max(best, n);
    else break;
  }
  const limit = [...tried].sort((a, b) => a.cps - b.cps).find((t) => t.cps > best && !t.keepsUp);
  results.maxN = {
    largestKeptUp: best,
    limitedBy: limit ? (limit.loadDelivered ? 'central (its lag grew)' : 'the simulator: one process could not offer the load on this machine') : 'not reached',
    tried: tried.sort((a, b) => a.cps - b.cps),
  };
}

results.notes.push(
  'Ceiling (1): kafkajs 2.2.4 with evcharge\'s producer settings (idempotent, one request in flight, acks -1); "consume" only turns each record into strings and commits per batch; "consume + relay" also produces one record per record consumed, which is the shape of central\'s work.',
  'Ingest (2): a backlog of telemetry written while central is paused (SIGSTOP), timed from SIGCONT until central\'s group has committed all of it. Every reading is decoded, validated (zod), deduplicated and applied; central relays the newest reading of each supply once per applied batch (driver.progress), and each changed CP\'s cp-state once per batch, so "relayed" counts progress records actually sent.',
  'Latency (3, 4): `evcharge sim` drivers against `evcharge central` processes, each driver in a loop of request → supply → stop → ticket; first telemetry comes one telemetry interval (1 s) after the supply starts by design.',
  'Scale (5): central with the TUI is bench/central-tui.mjs (the real central role and CentralScreen rendered by Ink into a virtual 200x60 terminal, frames timed with Ink\'s onRender); React runs its production build there, as it does in `evcharge` (NODE_ENV=production, CI unset before Ink loads).',
  'Record protection (7): the ingest of (2) and the round trip of (3) again, once with security.records off, once with sign (HMAC-SHA-256 per record) and once with encrypt (AES-256-GCM), each on its own topics and central; the fabricated CPs seal as a CP does (identity key to register, then the session key central issued), the sim\'s players with their own credentials (sim --enroll).',
  'Takeover (6): two `evcharge central` processes; the active one is killed with SIGKILL and a driver request for an unknown CP is written at once; the time is from the kill to the new active\'s denial of it (its first decision). A new standby is started before the next kill.',
  'OCPP (8): one `evcharge ocpp` gateway and a headless central; the stations are bench/ocpp-stations.mjs, one Node process of ocpp-rpc clients (strict OCPP 1.6J, one WebSocket each), connected 50 at a time; all but a pool of them start a transaction of their own and send MeterValues every 10 s, every one a Heartbeat every 60 s, at random offsets. The round trips come from long-lived `evcharge driver` processes fed `request CP` / `stop` on stdin: from the line written to the driver\'s supply-started event (its own clock stamp), and to the station\'s StartTransaction answered. The driver is told once the station\'s StartTransaction reached the gateway (its CP announces the supply then); "both done" is the later of the two ends.',
  'Keeps up: central\'s consumer lag (cp-register, auth-request, telemetry, health) ends below one second of input and does not grow over the second half; load delivered: the simulator (one Node process) managed at least 85 % of the records the load asks for, with no request timeouts.',
);
const started = performance.now();
try {
  if (want('ceiling')) await phaseCeilingAndIngest();
  if (want('latency')) await phaseLatency();
  if (want('security')) {
    results.security = await phaseSecurity({ P, kafka, admin, log, topicSettings, configs, isolatedConfig, newTag, centralProcess, waitServing, simArgs, track, BinProcess, endOffset, profArgs });
  }
  if (want('ocpp')) {
    results.ocpp = await phaseOcpp({ P, log, topicSettings, configs, isolatedConfig, newTag, centralProcess, waitServing, track, BinProcess });
  }
  if (want('scale')) await phaseScale();
  if (want('growth')) await phaseGrowth();
  if (want('maxn') && !smoke) await phaseMaxN();
  if (want('takeover')) await phaseTakeover();
} catch (e) {
  results.error = String(e?.stack ?? e);
  log(`failed: ${results.error}`);
} finally {
  results.seconds = round((performance.now() - started) / 1000, 1);
  results.machine.loadavgAtEnd = os.loadavg().map((l) => round(l, 2));
  await cleanup();
  await admin.disconnect().catch(() => {});
  kafkaEnv.stop();
}
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
writeFileSync(path.join(outDir, 'latest.md'), renderMarkdown(results));
log(`wrote ${path.relative(ROOT, path.join(outDir, 'latest.json'))} and latest.md in ${results.seconds} s`);
process.exit(results.error ? 1 : 0);
