// Central's ingest, shared by the plain measurement and the record-protection one: fabricated
// CPs register and get a supply each, then a backlog of telemetry is written while central is
// paused (SIGSTOP) and timed from SIGCONT until central's group has committed all of it.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { evchargeProducer, rawProduce, telemetryRecord } from './ceiling.mjs';
import { ProcSampler, groupLag, round, sleep } from './lib/env.mjs';

const envelope = (type, sender, payload) => JSON.stringify({ type, sender, id: randomUUID(), ts: Date.now(), v: 1, payload });

/**
 * Registers `cpCount` CPs with central and opens a supply on each; returns them with their
 * session ids (and, on a protected network, the key id central issued). `seal(topic, key, value,
 * who)` turns a plain value into what that writer would send; identity when records are plain.
 */
export async function fabricatedSupplies({ kafka, cfg, central, cpCount, prefix = 'ING', seal = (_t, _k, v) => v }) {
  const producer = evchargeProducer(kafka);
  await producer.connect();
  const pad = (i) => String(i + 1).padStart(4, '0');
  const cps = Array.from({ length: cpCount }, (_, i) => ({ cpId: `${prefix}${pad(i)}`, instanceId: randomUUID(), driverId: `${prefix}D${pad(i)}` }));
  const send = (topicKey, messages) => producer.send({ topic: cfg.topics[topicKey], acks: -1, messages: messages.map((m) => ({ key: m.key, value: seal(topicKey, m.key, m.value, m.who) })) });
  await send('cp-register', cps.map((c) => ({ key: c.cpId, who: c, value: envelope('cp.register', `cp:${c.cpId}`, { cpId: c.cpId, instanceId: c.instanceId, location: 'bench', pricePerKwh: 0.35, maxKw: 22 }) })));
  for (const c of cps) {
    const registered = await central.waitFor((e) => e.kind === 'cp-registered' && e.cpId === c.cpId, `registration of ${c.cpId}`, 60000);
    c.kid = registered.kid;
  }
  await send('auth-request', cps.map((c) => ({ key: c.driverId, who: c, value: envelope('driver.request', `driver:${c.driverId}`, { requestId: randomUUID(), driverId: c.driverId, cpId: c.cpId }) })));
  for (const c of cps) {
    const granted = await central.waitFor((e) => e.kind === 'auth-granted' && e.cpId === c.cpId, `grant for ${c.cpId}`, 60000);
    c.sessionId = granted.sessionId;
  }
  await producer.disconnect();
  return cps;
}

/** `count` telemetry readings spread over `cps`, in order, as each CP would write them. */
export function telemetryFor(cps, count, seal = (_t, _k, v) => v) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const c = cps[i % cps.length];
    const r = telemetryRecord({ ...c, seq: Math.floor(i / cps.length), at: now });
    return { key: r.key, value: seal('telemetry', r.key, r.value, c) };
  });
}

/** Central's ingest of `telemetry` as a backlog: written while it is paused, timed from SIGCONT. */
export async function timeBacklog({ kafka, admin, cfg, central, telemetry, endOffset }) {
  const M = telemetry.length;
  const telemetryTopic = cfg.topics['telemetry'];
  const progressBefore = await endOffset(cfg.topics['driver-updates']);
  central.signal('SIGSTOP');
  let backlogProduce;
  try {
    backlogProduce = await rawProduce(kafka, telemetryTopic, telemetry);
  } finally {
    central.signal('SIGCONT');
  }
  const cpu = new ProcSampler(central.pid, 500);
  cpu.mark();
  const t0 = performance.now();
  let lag = M;
  while (performance.now() - t0 < 180_000) {
    lag = (await groupLag(admin, cfg.centralGroup, [telemetryTopic])).total;
    if (lag === 0) break;
    await sleep(25);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuSummary = cpu.summary();
  cpu.stop();
  await sleep(500);
  const relayed = (await endOffset(cfg.topics['driver-updates'])) - progressBefore;
  return {
    messages: M,
    backlogProducePerSecond: backlogProduce.perSecond,
    seconds: round(seconds, 3),
    perSecond: Math.round((M - lag) / seconds),
    relayed,
    lagLeft: lag,
    centralCpuShare: cpuSummary.cpuShareMean,
  };
}
