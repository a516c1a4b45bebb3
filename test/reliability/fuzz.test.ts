import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TestNetwork, type JsonEvent, type RoleProcess } from '../helpers/role-process.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createKafka } from '../../src/kafka/kafka-client.js';
import { Partitioners, type Consumer, type Producer } from '../../src/kafka/kafkajs.js';
import { roundKwh } from '../../src/protocol/money.js';
import type { TopicKey } from '../../src/bus/topics.js';
import {
  envelope,
  hugeRecord,
  KINDS,
  malformed,
  selfCheck,
  sizeOf,
  type BadRecord,
  type ConsumedTopic,
  type Kind,
} from './fuzz-records.js';

/*
 * Hostile and malformed input, end to end: central, two CPs and drivers run as processes of the
 * real binary on a private network of the shared broker, while this test floods every topic they
 * consume with bad records (and well-formed ones that try to act for someone else) through its
 * own kafkajs producer, and drivers run real charging sessions through it all.
 */

const CENTRAL_TOPICS: ConsumedTopic[] = ['cp-register', 'auth-request', 'telemetry', 'health'];
const CP_TOPICS: ConsumedTopic[] = ['cp-register-ack', 'cp-commands'];
const DRIVER_TOPICS: ConsumedTopic[] = ['auth-response', 'driver-updates'];
/** Malformed records per topic, spread over the flood's waves (the burst and huge ones come on top). */
const PER_TOPIC: Record<ConsumedTopic, number> = {
  'cp-register': 1500,
  'auth-request': 1500,
  telemetry: 1500,
  health: 1500,
  'cp-register-ack': 800,
  'cp-commands': 800,
  'auth-response': 800,
  'driver-updates': 800,
  'cp-state': 600,
};
const WAVES = 30;
const WAVE_MS = 450;
/** Records of ~1 KB full of quotes, written at once: their dead-letter copies are twice as big. */
const BURST = { topic: 'health' as ConsumedTopic, sends: 3, perSend: 700, bytes: 1000 };
/** A value just under the broker's default max.message.bytes (1048588 for the whole batch). */
const HUGE_BYTES = 1024 * 1024 - 1024;
const PRICES = { CPA: 0.37, CPB: 0.43 } as const;
const KWH = 0.4;
const LONG_DRIVERS = ['LD1', 'LD2'];

type Cls = 'malformed' | 'hostile' | 'unaddressed';
interface Written {
  topic: ConsumedTopic;
  key: string | null;
  offset: string;
  cls: Cls;
  code?: string;
  label: string;
  /** Roles that must report it (exactly once each); short-lived drivers are checked as a subset. */
  targets: string[];
}

const net = new TestNetwork({ heartbeatTimeoutMs: 8000 });
const config = parseConfig(readFileSync(net.configPath, 'utf8'), net.configPath);
const topicName = (k: TopicKey) => config.topics[k].name;
const { kafka } = createKafka(config, { role: 'fuzz' });
let producer: Producer | null = null;
let observer: Consumer | null = null;
after(async () => {
  await net.stopAll();
  await observer?.disconnect().catch(() => {});
  await producer?.disconnect().catch(() => {});
});

const gone = new Map<string, { code: number | null; signal: string | null }>();
const track = (role: RoleProcess): RoleProcess => {
  void role.exited.then((r) => gone.set(role.name, r));
  return role;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(pred: () => boolean, what: () => string, ms: number, poll?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    await poll?.();
    if (pred()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what()}`);
    await sleep(poll ? 300 : 100);
  }
}
const malformedEvents = (role: RoleProcess, topic?: string) =>
  role.events.filter((e) => e.kind === 'malformed' && (topic === undefined || e['topic'] === topic));

test('a flood of malformed and hostile records on every consumed topic: nothing crashes, stalls, or changes a ticket', { timeout: 170_000 }, async () => {
  const t0 = Date.now();
  // --- the network ---------------------------------------------------------------------------
  const central = track(net.central());
  await central.waitForKind('serving', {}, 30_000);
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();

  // The observer reads dead-letter, cp-state and auth-response from the beginning.
  const deadLetters: { topic: string; key: string | null; partition: number; offset: string; reason: string; by: string; value: string }[] = [];
  const states = new Map<string, { totals: { sessions: number; kwh: number; eur: number }; state: string }>();
  const stopResults = new Map<string, { ok: boolean; driverId: string }>();
  observer = kafka.consumer({ groupId: `${net.tag}-fuzz-observer`, maxWaitTimeInMs: 500 });
  await observer.connect();
  await observer.subscribe({ topics: [topicName('dead-letter'), topicName('cp-state'), topicName('auth-response')], fromBeginning: true });
  let observerReady = false;
  observer.on(observer.events.GROUP_JOIN, () => (observerReady = true));
  // The observer's own group can rebalance (its coordinator moving after the broker tests) and
  // read a stretch again: the same dead-letter offset is one copy. A copy written twice has an
  // offset of its own and is still counted twice.
  const deadLetterOffsets = new Set<string>();
  await observer.run({
    eachMessage: async ({ topic, partition, message }) => {
      if (topic === topicName('dead-letter')) {
        const at = `${partition}@${message.offset}`;
        if (deadLetterOffsets.has(at)) return;
        deadLetterOffsets.add(at);
      }
      // The junk is read here too: anything that is not an object with an object payload is skipped.
      let env: { type?: string; payload?: Record<string, unknown> };
      try {
        env = JSON.parse(message.value?.toString() ?? '') as typeof env;
      } catch {
        return;
      }
      if (typeof env !== 'object' || env === null || typeof env.payload !== 'object' || env.payload === null) return;
      if (topic === topicName('dead-letter') && env.type === 'dead-letter') deadLetters.push(env.payload as (typeof deadLetters)[number]);
      if (topic === topicName('cp-state') && env.type === 'cp.state' && message.key?.toString() === (env.payload as { id: string }).id) {
        const p = env.payload as { id: string; totals: { sessions: number; kwh: number; eur: number }; state: string; instanceId: string };
        if (p.id in PRICES) states.set(p.id, p);
      }
      if (topic === topicName('auth-response') && env.type === 'auth.stop-result') {
        const p = env.payload as { requestId: string; ok: boolean; driverId: string };
        stopResults.set(p.requestId, p);
      }
    },
  });
  await until(() => observerReady, () => 'observer never joined', 20_000);

  const startCp = async (id: keyof typeof PRICES) => {
    const cp = track(net.cp(id, ['--speed', '40', '--price', String(PRICES[id]), '--max-kw', '50', '--location', `Fuzz ${id}`]));
    const registered = await cp.waitForKind('registered', {}, 30_000);
    return { cp, instanceId: String(registered['instanceId']) };
  };
  const [a, b] = await Promise.all([startCp('CPA'), startCp('CPB')]);
  const cps = { CPA: a.cp, CPB: b.cp };
  const instanceOf = { CPA: a.instanceId, CPB: b.instanceId };
  const longDrivers = LONG_DRIVERS.map((id) => track(net.driver(id)));
  await Promise.all(longDrivers.map((d) => d.waitForKind('ready', {}, 30_000)));
  // The CPs read cp-commands once registered; give their command groups a moment to join.
  await sleep(1500);
  const setupMs = Date.now() - t0;

  // --- the writer ----------------------------------------------------------------------------
  const written: Written[] = [];
  const selfCheckErrors: string[] = [];
  /** Sends records of one topic in batches the broker accepts, remembering each record's offset. */
  const sendAll = async (topic: ConsumedTopic, items: { rec: { key: string | null; value: string | Buffer | null }; meta: Omit<Written, 'offset' | 'topic' | 'key'> }[]) => {
    let chunk: typeof items = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const batch = chunk;
      chunk = [];
      bytes = 0;
      const result = await producer!.send({
        topic: topicName(topic),
        acks: -1,
        messages: batch.map((x) => ({ key: x.rec.key, value: x.rec.value, partition: 0 })),
      });
      const meta = result[0]!;
      assert.equal(meta.errorCode, 0);
      const base = BigInt(meta.baseOffset ?? meta.offset ?? '-1');
      assert.ok(base >= 0n, `no offset in ${JSON.stringify(result)}`);
      batch.forEach((x, i) => written.push({ ...x.meta, topic, key: x.rec.key, offset: String(base + BigInt(i)) }));
    };
    for (const item of items) {
      const size = sizeOf(item.rec);
      if (bytes + size > 800_000) await flush();
      chunk.push(item);
      bytes += size;
    }
    await flush();
  };
  const bad = (rec: BadRecord, targets: string[]) => {
    const problem = selfCheck(rec);
    if (problem) selfCheckErrors.push(problem);
    return { rec, meta: { cls: 'malformed' as Cls, code: rec.code, label: rec.label, targets } };
  };
  const wellFormed = (topic: ConsumedTopic, key: string | null, type: string, payload: Record<string, unknown>, cls: Cls, label: string) => ({
    rec: { key, value: JSON.stringify(envelope(type, payload)) },
    meta: { cls, label: `${topic} ${label}`, targets: [] as string[] },
  });

  // Drivers of the charging sessions that are running now (their topics get bad records too).
  const activeSessionDrivers = new Set<string>();
  const kindFor = (i: number): Kind => (i % 40 === 7 ? 'oversize' : KINDS.filter((k) => k !== 'oversize')[i % (KINDS.length - 1)]!);
  const counters = new Map<ConsumedTopic, number>();
  const next = (topic: ConsumedTopic) => {
    const i = counters.get(topic) ?? 0;
    counters.set(topic, i + 1);
    return i;
  };

  const wave = async (w: number) => {
    const jobs: Promise<void>[] = [];
    for (const topic of Object.keys(PER_TOPIC) as ConsumedTopic[]) {
      const n = Math.ceil(PER_TOPIC[topic] / WAVES);
      const items: Parameters<typeof sendAll>[1] = [];
      for (let j = 0; j < n && (counters.get(topic) ?? 0) < PER_TOPIC[topic]; j++) {
        const i = next(topic);
        const kind = kindFor(i);
        if (CENTRAL_TOPICS.includes(topic)) {
          const subject = ['CPA', 'CPB', 'INTRUDER1', 'LD1', `FUZZ-${i % 13}`][i % 5]!;
          // Any key at all: central reads every record of its topics.
          const key = i % 9 === 4 ? null : i % 397 === 11 ? 'K'.repeat(100_000) : subject;
          items.push(bad(malformed(topic, kind, subject, key, i), ['central']));
        } else if (CP_TOPICS.includes(topic)) {
          if (i % 25 === 3) {
            // Keyed for no CP at all: not any CP's to read (each CP reads its own key only).
            const rec = malformed(topic, kind, 'GHOST', i % 2 ? null : 'GHOST', i);
            items.push({ rec, meta: { cls: 'unaddressed', label: rec.label, targets: [] } });
            continue;
          }
          const subject = i % 2 ? 'CPA' : 'CPB';
          items.push(bad(malformed(topic, kind, subject, subject, i), [subject]));
        } else if (DRIVER_TOPICS.includes(topic)) {
          if (i % 25 === 3) {
            const rec = malformed(topic, kind, 'NOBODY', i % 2 ? null : 'NOBODY', i);
            items.push({ rec, meta: { cls: 'unaddressed', label: rec.label, targets: [] } });
            continue;
          }
          const active = [...activeSessionDrivers];
          const subject = i % 5 === 0 && active.length > 0 ? active[i % active.length]! : LONG_DRIVERS[i % LONG_DRIVERS.length]!;
          items.push(bad(malformed(topic, kind, subject, subject, i), [subject]));
        } else {
          // cp-state is compacted: every record needs a key. Every driver reads all of it, and
          // so does every central (its warm copy of the network), for as long as it runs.
          const subject = `FUZZ-${i % 50}`;
          items.push(bad(malformed(topic, kind, subject, subject, i), ['drivers', 'central']));
        }
      }
      // One ~1 MB value per topic, early on.
      if (w === 1) {
        const huge = CENTRAL_TOPICS.includes(topic)
          ? { subject: 'CPA', targets: ['central'] }
          : CP_TOPICS.includes(topic)
            ? { subject: 'CPB', targets: ['CPB'] }
            : DRIVER_TOPICS.includes(topic)
              ? { subject: 'LD2', targets: ['LD2'] }
              : { subject: 'FUZZ-HUGE', targets: ['drivers', 'central'] };
        items.push(bad(hugeRecord(topic, huge.subject, huge.subject, HUGE_BYTES), huge.targets));
      }
      jobs.push(sendAll(topic, items));
    }
    await Promise.all(jobs);
  };

  const burst = async () => {
    for (let s = 0; s < BURST.sends; s++) {
      const items = Array.from({ length: BURST.perSend }, (_, j) => {
        const value = `{"type":"cp.heartbeat","q":"${'"'.repeat(BURST.bytes)}`;
        const rec: BadRecord = { topic: BURST.topic, key: j % 2 ? 'CPA' : 'CPB', value, code: 'not-json', label: 'burst of quote-heavy not-JSON' };
        return bad(rec, ['central']);
      });
      await sendAll(BURST.topic, items);
    }
  };

  // --- well-formed records that try to act for someone else ---------------------------------
  const hostileStops: string[] = [];
  let hostileRound = 0;
  const openSessions = () => {
    const ended = new Set(central.events.filter((e) => e.kind === 'supply-ended').map((e) => String(e['sessionId'])));
    return central.events
      .filter((e) => e.kind === 'auth-granted' && !ended.has(String(e['sessionId'])))
      .map((e) => ({ cpId: String(e['cpId']) as keyof typeof PRICES, sessionId: String(e['sessionId']), driverId: String(e['driverId']) }));
  };
  const hostile = async () => {
    const sessions = openSessions();
    if (sessions.length === 0) return;
    const n = ++hostileRound;
    const byTopic = new Map<ConsumedTopic, Parameters<typeof sendAll>[1]>();
    const add = (topic: ConsumedTopic, key: string, type: string, payload: Record<string, unknown>, label: string) => {
      if (!byTopic.has(topic)) byTopic.set(topic, []);
      byTopic.get(topic)!.push(wellFormed(topic, key, type, payload, 'hostile', label));
    };
    const now = Date.now();
    for (const s of sessions) {
      const other = s.cpId === 'CPA' ? 'CPB' : 'CPA';
      const asOther = { cpId: other, instanceId: instanceOf[other], sessionId: s.sessionId };
      // Another CP (its real instance) claims this session: readings, an end, a start.
      add('telemetry', other, 'supply.telemetry', { ...asOther, seq: 1000 + n, kw: 50, kwh: 999, eur: 999 }, `${other} claims ${s.cpId}'s session (telemetry)`);
      add('telemetry', other, 'supply.ended', { ...asOther, seq: 2000 + n, kwh: 999, reason: 'unplugged', endedAt: now }, `${other} claims ${s.cpId}'s session (ended)`);
      add('telemetry', other, 'supply.started', { ...asOther, driverId: 'INTRUDER1', startedAt: now }, `${other} claims ${s.cpId}'s session (started)`);
      // The right CP id, but not its registered process.
      add('telemetry', s.cpId, 'supply.telemetry', { cpId: s.cpId, instanceId: randomUUID(), sessionId: s.sessionId, seq: 3000 + n, kw: 50, kwh: 999, eur: 999 }, 'telemetry from a stale instance');
      add('health', s.cpId, 'cp.fault', { cpId: s.cpId, instanceId: randomUUID(), detail: 'forged fault' }, 'fault from a stale instance');
      // A driver with no supply tries to stop this driver's supply, naming it or not.
      for (const sessionId of [s.sessionId, undefined]) {
        const requestId = randomUUID();
        hostileStops.push(requestId);
        const driverId = `INTRUDER${1 + (n % 3)}`;
        add('auth-request', driverId, 'driver.stop', { requestId, driverId, ...(sessionId && { sessionId }) }, `${driverId} stops ${s.driverId}'s supply`);
      }
      // A stop command for this session addressed to another process of the CP.
      add('cp-commands', s.cpId, 'cmd.stop-supply', { cpId: s.cpId, instanceId: randomUUID(), sessionId: s.sessionId }, 'stop command for another instance');
      // A second process takes the id of this live CP, at a bargain price.
      add('cp-register', s.cpId, 'cp.register', { cpId: s.cpId, instanceId: randomUUID(), location: 'Hijack', pricePerKwh: 0.01, maxKw: 22 }, `hijack of live ${s.cpId}`);
    }
    // An answer to a request the driver never made.
    for (const d of LONG_DRIVERS) {
      add('auth-response', d, 'auth.response', { requestId: randomUUID(), driverId: d, cpId: 'CPA', granted: true, sessionId: randomUUID() }, 'grant nobody asked for');
    }
    await Promise.all([...byTopic].map(([topic, items]) => sendAll(topic, items)));
  };

  // --- what the broker refuses ----------------------------------------------------------------
  const refusals: string[] = [];
  const probe = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, retry: { retries: 0 } });
  await probe.connect();
  const refused = async (what: string, topic: ConsumedTopic, message: { key: string | null; value: string | null }, code: string, targets: string[]) => {
    try {
      const [meta] = await probe.send({ topic: topicName(topic), acks: -1, messages: [{ ...message, partition: 0 }] });
      // A broker configured otherwise took it: then it is one more malformed record to account for.
      written.push({ topic, key: message.key, offset: String(meta?.baseOffset ?? meta?.offset), cls: 'malformed', code, label: what, targets });
      return `${what}: accepted`;
    } catch (e) {
      refusals.push(`${what}: ${(e as Error).message}`);
      return null;
    }
  };
  const overLimit = await refused('1.2 MB value', 'telemetry', { key: 'CPA', value: 'z'.repeat(1_200_000) }, 'oversize', ['central']);
  const nullKeyState = await refused('null key on the compacted cp-state', 'cp-state', { key: null, value: '{}' }, 'bad-envelope', ['drivers']);
  await probe.disconnect();

  // --- the flood, with charging sessions through it ---------------------------------------------
  let floodDone = false;
  let floodError: unknown = null;
  const floodStart = Date.now();
  const flood = (async () => {
    for (let w = 0; w < WAVES; w++) {
      const started = Date.now();
      await wave(w);
      if (w === 10) await burst();
      await hostile();
      await sleep(Math.max(0, WAVE_MS - (Date.now() - started)));
    }
    // The hostile records need open sessions; keep at them until the sessions are done.
  })()
    .catch((e) => (floodError = e))
    .finally(() => (floodDone = true));

  interface Session { driver: RoleProcess; cpId: keyof typeof PRICES; code: number | null }
  const sessions: Session[] = [];
  let sessionsDone = false;
  const hostileLoop = (async () => {
    while (!sessionsDone) {
      if (floodDone) await hostile().catch(() => {});
      await sleep(300);
    }
  })();
  const runRound = async (round: number) => {
    const drivers = (['CPA', 'CPB'] as const).map((cpId) => {
      const id = `S${round}${cpId.slice(-1)}`;
      activeSessionDrivers.add(id);
      return { cpId, driver: track(net.driver(id, ['--cp', cpId, '--kwh', String(KWH)])) };
    });
    for (const { cpId, driver } of drivers) {
      const { code } = await driver.exited;
      activeSessionDrivers.delete(driver.name);
      sessions.push({ driver, cpId, code });
    }
  };
  let round = 0;
  while (round < 2 || !floodDone) await runRound(++round);
  sessionsDone = true;
  await flood;
  await hostileLoop;
  const floodMs = Date.now() - floodStart;
  if (floodError) throw floodError;
  assert.deepEqual(selfCheckErrors, [], 'every generated bad record fails to decode with the expected code');

  // --- nothing crashed; every role reports exactly the bad records it read ------------------------
  const alive = [central, cps.CPA, cps.CPB, ...longDrivers];
  for (const r of alive) assert.equal(gone.get(r.name), undefined, `${r.name} exited: ${JSON.stringify(gone.get(r.name))}\n${r.stderr}`);

  const mal = written.filter((w) => w.cls === 'malformed');
  const cpStateBad = mal.filter((w) => w.topic === 'cp-state');
  const expectedFor = (name: string) =>
    mal.filter((w) => w.targets.includes(name) || (LONG_DRIVERS.includes(name) && w.targets.includes('drivers')));
  const exact = { central, CPA: cps.CPA, CPB: cps.CPB, LD1: longDrivers[0]!, LD2: longDrivers[1]! };
  const settleStart = Date.now();
  for (const [name, role] of Object.entries(exact)) {
    const want = expectedFor(name).length;
    await until(() => malformedEvents(role).length >= want, () => `${name} reported ${malformedEvents(role).length} of ${want} malformed records`, 30_000);
  }
  const settleMs = Date.now() - settleStart;

  // Central names every record it reports: exactly the malformed ones of its topics, once each,
  // with the reason the decoder must give.
  const centralSeen = new Map<string, JsonEvent>();
  for (const e of malformedEvents(central)) {
    const where = `${String(e['topic'])}@${String(e['offset'])}`;
    assert.ok(!centralSeen.has(where), `central reported ${where} twice`);
    centralSeen.set(where, e);
  }
  for (const w of expectedFor('central')) {
    const e = centralSeen.get(`${w.topic}@${w.offset}`);
    assert.ok(e, `central did not report ${w.label} at ${w.topic}@${w.offset}`);
    assert.ok(String(e['reason']).startsWith(`${w.code}:`), `${w.label}: central said "${String(e['reason'])}", expected ${w.code}`);
  }
  assert.equal(centralSeen.size, expectedFor('central').length, 'central reports nothing but the malformed records');

  // --- the dead-letter topic holds one copy per report, with the reason ----------------------------
  const reportsBy = (role: RoleProcess) => malformedEvents(role).length;
  const shortDrivers = sessions.map((s) => s.driver);
  const expectedDead = [...alive, ...shortDrivers].reduce((n, r) => n + reportsBy(r), 0);
  await until(() => deadLetters.length >= expectedDead, () => `dead-letter has ${deadLetters.length} of ${expectedDead} copies`, 30_000);
  await sleep(1500); // nothing more may come
  const bySender = (list: { by: string }[]) => Object.entries(list.reduce<Record<string, number>>((m, d) => ((m[d.by] = (m[d.by] ?? 0) + 1), m), {}));
  const twice = (() => {
    const seen = new Set<string>();
    return deadLetters.filter((d) => {
      const k = `${d.by} ${d.topic}/${d.partition}@${d.offset}`;
      if (seen.has(k)) return true;
      seen.add(k);
      return false;
    });
  })();
  assert.equal(
    deadLetters.length,
    expectedDead,
    `one dead-letter copy per reported record; copies by sender: ${JSON.stringify(bySender(deadLetters))}; reports: ${JSON.stringify([...alive, ...shortDrivers].map((r) => [r.name, reportsBy(r)]))}; copied twice: ${JSON.stringify(twice.slice(0, 5).map((d) => `${d.by} ${d.topic}/${d.partition}@${d.offset}`))} (${twice.length})`,
  );
  const byOffset = new Map(written.map((w) => [`${w.topic}@${w.offset}`, w]));
  const senderOf = (name: string) => (name === 'central' ? 'central' : name.startsWith('CP') ? `cp:${name}` : `driver:${name}`);
  for (const [name, role] of Object.entries(exact)) {
    const copies = deadLetters.filter((d) => d.by === senderOf(name));
    const wanted = expectedFor(name);
    assert.equal(malformedEvents(role).length, wanted.length, `${name}: one malformed event per malformed record it read`);
    assert.equal(copies.length, wanted.length, `${name}: one dead-letter copy per malformed record it read`);
    const got = new Set(copies.map((d) => `${d.topic}@${d.offset}`));
    assert.equal(got.size, copies.length, `${name}: no record copied twice`);
    for (const w of wanted) assert.ok(got.has(`${w.topic}@${w.offset}`), `${name}: no dead-letter copy of ${w.label}`);
    for (const d of copies) {
      const w = byOffset.get(`${d.topic}@${d.offset}`)!;
      assert.ok(d.reason.startsWith(`${w.code}:`), `${name}: dead-letter reason "${d.reason}" for ${w.label}`);
      assert.ok(d.value.length <= 4096);
    }
    // The events carry the same reasons as the copies.
    const reasons = (list: string[]) => list.sort().join('\n');
    assert.equal(reasons(malformedEvents(role).map((e) => `${String(e['topic'])} ${String(e['reason'])}`)), reasons(copies.map((d) => `${d.topic} ${d.reason}`)), `${name}: events and copies agree`);
  }
  // Drivers that came and went report a subset: what reached them while they ran, once each.
  for (const d of shortDrivers) {
    const copies = deadLetters.filter((x) => x.by === senderOf(d.name));
    assert.equal(copies.length, reportsBy(d), `${d.name}: one copy per report`);
    const got = new Set(copies.map((x) => `${x.topic}@${x.offset}`));
    assert.equal(got.size, copies.length, `${d.name}: no record copied twice`);
    for (const c of copies) {
      const w = byOffset.get(`${c.topic}@${c.offset}`);
      assert.ok(w && w.cls === 'malformed' && (w.targets.includes(d.name) || w.targets.includes('drivers')), `${d.name} reported ${c.topic}@${c.offset}, not a malformed record of its own`);
      assert.ok(c.reason.startsWith(`${w.code}:`));
    }
  }
  // Records keyed for nobody are skipped by every role, and well-formed hostile ones are not "malformed".
  for (const d of deadLetters) {
    const w = byOffset.get(`${d.topic}@${d.offset}`);
    assert.ok(w?.cls === 'malformed', `dead-letter copy of a record that is not malformed: ${d.topic}@${d.offset} ${w?.label ?? '(not ours)'}`);
  }
  const perTopic: Record<string, number> = {};
  for (const d of deadLetters) perTopic[d.topic] = (perTopic[d.topic] ?? 0) + 1;

  // --- the charging sessions: each one ticket, total = kWh × price to the cent ---------------------
  assert.ok(sessions.length >= 4, `${sessions.length} sessions`);
  const latencies: Record<string, string | number>[] = [];
  for (const s of sessions) {
    const d = s.driver;
    assert.equal(s.code, 0, `${d.name} completed its service: ${d.events.map((e) => e.kind).join(',')}\n${d.stderr}`);
    assert.equal(d.count('ticket'), 1, `${d.name}: exactly one ticket`);
    const t = d.events.find((e) => e.kind === 'ticket')! as JsonEvent & { kwh: number; totalEur: number; pricePerKwh: number; sessionId: string; reason: string; cpId: string };
    assert.equal(t.cpId, s.cpId);
    assert.equal(t.reason, 'driver-stop', `${d.name}: ended by its own stop, not by a forged one`);
    assert.equal(t.pricePerKwh, PRICES[s.cpId]);
    assert.equal(Math.round(t.totalEur * 100), Math.round(t.kwh * t.pricePerKwh * 100 + 1e-6), `${d.name}: total = kWh × price to the cent`);
    // At least what was asked for; more when the flood delays the progress the driver stops on
    // (the supply adds ~0.55 kWh a second at --speed 40 and 50 kW), never a runaway supply.
    assert.ok(t.kwh >= KWH && t.kwh < KWH + 10, `${d.name}: ${t.kwh} kWh`);
    const at = (kind: string) => d.events.find((e) => e.kind === kind)?.at ?? NaN;
    latencies.push({
      driver: d.name,
      kwh: t.kwh,
      requestToGrantMs: at('granted') - at('request-sent'),
      grantToTicketMs: at('ticket') - at('granted'),
      stopToTicketMs: at('ticket') - at('stop-reached'),
    });
    // The energy is what the CP metered, not what a forged reading claimed.
    const cpEnd = cps[s.cpId].events.find((e) => e.kind === 'supply-ended' && e['sessionId'] === t.sessionId);
    assert.ok(cpEnd, `${s.cpId} ended ${t.sessionId}`);
    assert.equal(t.kwh, roundKwh(Number(cpEnd['kwh'])), `${d.name}: ticket energy = the CP's own meter`);
    assert.equal(cpEnd['reason'], 'stopped');
    assert.equal(central.count('supply-ended', { sessionId: t.sessionId }), 1, 'central closed the session once');
  }
  // Hostile records changed nothing: no stop by an intruder, no forged fault, no extra session.
  assert.equal(central.events.filter((e) => e.kind === 'driver-stop' && String(e['driverId']).startsWith('INTRUDER')).length, 0);
  assert.equal(central.count('cp-faulted'), 0);
  assert.equal(central.count('cp-registered'), 2, 'no second process took a live CP id');
  assert.ok(central.count('cp-register-refused') > 0, 'the hijacks were refused');
  assert.equal(central.count('supply-ended'), sessions.length);
  assert.equal(central.count('auth-granted'), sessions.length);
  for (const cp of Object.values(cps)) {
    assert.equal(cp.count('supply-ended'), sessions.filter((s) => s.cpId === cp.name).length, `${cp.name}: one supply per session`);
    assert.equal(cp.count('faulted'), 0);
  }
  for (const d of longDrivers) {
    assert.equal(d.count('granted') + d.count('ticket') + d.count('supply-started'), 0, `${d.name} acted on nothing forged`);
  }
  assert.ok(hostileStops.length > 0, 'hostile stops were sent while sessions ran');
  await until(() => hostileStops.every((r) => stopResults.has(r)), () => `${hostileStops.filter((r) => !stopResults.has(r)).length} hostile stops unanswered`, 15_000);
  for (const r of hostileStops) assert.equal(stopResults.get(r)!.ok, false, 'a driver without a supply cannot stop anyone');
  for (const name of Object.values(exact)) {
    assert.equal(name.count('handler-error'), 0, `${name.name}: no handler errors`);
    assert.equal(name.count('non-json-stdout'), 0);
  }

  // --- still serving after the flood: one more session per CP, promptly ---------------------------
  const afterStart = Date.now();
  await runRound(++round);
  const lastRound = sessions.slice(-2);
  for (const s of lastRound) assert.equal(s.code, 0, `${s.driver.name} after the flood`);
  const afterMs = Date.now() - afterStart;
  assert.ok(afterMs < 20_000, `a session after the flood took ${afterMs} ms`);

  // --- a restarted central rebuilds from cp-state past the junk in it --------------------------------
  await central.stop();
  gone.delete('central');
  const central2 = track(net.start('central2', ['central']));
  const rebuilt = await central2.waitForKind('state-rebuilt', {}, 30_000);
  assert.equal(rebuilt['complete'], true);
  await central2.waitForKind('serving', {}, 30_000);
  await until(() => malformedEvents(central2, 'cp-state').length >= cpStateBad.length, () => `central2 reported ${malformedEvents(central2, 'cp-state').length} of ${cpStateBad.length}`, 15_000);
  assert.equal(malformedEvents(central2).length, cpStateBad.length, 'the restarted central reports the cp-state junk, and nothing else');
  await central2.waitForCpState('CPA', 'AVAILABLE');
  await central2.waitForCpState('CPB', 'AVAILABLE');

  // Totals on cp-state: exactly the sessions' tickets, nothing a forged record claimed.
  for (const cpId of ['CPA', 'CPB'] as const) {
    const tickets = sessions.filter((s) => s.cpId === cpId).map((s) => s.driver.events.find((e) => e.kind === 'ticket')!);
    const kwh = Math.round(tickets.reduce((n, t) => n + Number(t['kwh']), 0) * 1000) / 1000;
    const eur = Math.round(tickets.reduce((n, t) => n + Number(t['totalEur']), 0) * 100) / 100;
    await until(() => states.get(cpId)?.totals.sessions === tickets.length, () => `${cpId} totals ${JSON.stringify(states.get(cpId)?.totals)} vs ${tickets.length} tickets`, 10_000);
    assert.deepEqual(states.get(cpId)!.totals, { sessions: tickets.length, kwh, eur });
  }
  for (const r of [central2, cps.CPA, cps.CPB, ...longDrivers]) assert.equal(gone.get(r.name), undefined, `${r.name} is still running`);

  const count = (cls: Cls) => written.filter((w) => w.cls === cls).length;
  const byTopic: Record<string, Record<string, number>> = {};
  for (const w of written) {
    const t = (byTopic[w.topic] ??= {});
    const k = w.cls === 'malformed' ? String(w.code) : w.cls;
    t[k] = (t[k] ?? 0) + 1;
  }
  console.log(JSON.stringify({
    written: { malformed: count('malformed'), hostile: count('hostile'), unaddressed: count('unaddressed'), byTopic },
    reports: Object.fromEntries([...Object.entries(exact), ['central2', central2] as const].map(([n, r]) => [n, malformedEvents(r).length])),
    shortDriverReports: Object.fromEntries(shortDrivers.map((d) => [d.name, reportsBy(d)])),
    deadLetterPerTopic: perTopic,
    publishErrors: Object.fromEntries([...Object.entries(exact), ['central2', central2] as const].map(([n, r]) => [n, r.events.filter((e) => e.kind === 'publish-error').map((e) => String(e['error']).slice(0, 200))])),
    sessions: sessions.length,
    latencies,
    brokerRefused: refusals,
    brokerAccepted: [overLimit, nullKeyState].filter(Boolean),
    ms: { setup: setupMs, flood: floodMs, settle: settleMs, sessionAfterFlood: afterMs, total: Date.now() - t0 },
  }, null, 1));
  assert.ok(count('malformed') >= 10_000, `${count('malformed')} malformed records`);
  for (const topic of Object.keys(PER_TOPIC)) assert.ok((perTopic[topic] ?? 0) > 0, `dead-letter copies from ${topic}`);
});

test('a burst of multi-byte junk: central copies it all to dead-letter and keeps serving', { timeout: 90_000 }, async () => {
  // Each record is a ~12 KB value of "€" (3 bytes a character) with a 600-byte key, 78 to a
  // producer batch (just under 1 MiB), on three of central's topics at once. Their dead-letter
  // copies are as many bytes again plus the envelope: more than one record batch of 1 MiB holds,
  // so they must go out in several, counted in bytes rather than characters.
  const net2 = new TestNetwork({ heartbeatTimeoutMs: 8000 });
  try {
    const config2 = parseConfig(readFileSync(net2.configPath, 'utf8'), net2.configPath);
    const name = (k: TopicKey) => config2.topics[k].name;
    const central = net2.central();
    await central.waitForKind('serving', {}, 30_000);
    const { kafka: kafka2 } = createKafka(config2, { role: 'fuzz-multibyte' });
    const p = kafka2.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    const admin = kafka2.admin();
    await Promise.all([p.connect(), admin.connect()]);
    try {
      const perTopic = 78;
      const topics = ['health', 'telemetry', 'cp-register'] as const;
      const messages = Array.from({ length: perTopic }, () => ({ key: '€'.repeat(200), value: '€'.repeat(4096), partition: 0 }));
      await Promise.all(topics.map((t) => p.send({ topic: name(t), acks: -1, messages })));
      const want = perTopic * topics.length;
      await until(() => malformedEvents(central).length >= want, () => `central reported ${malformedEvents(central).length} of ${want}`, 30_000);
      assert.ok(malformedEvents(central).every((e) => String(e['reason']).startsWith('not-json:')));
      // Still serving: a CP registering now is acknowledged (central's publishing is not stuck).
      const cp = net2.cp('CPM', ['--speed', '40']);
      await cp.waitForKind('registered', {}, 20_000).catch((e: Error) => {
        const errors = central.events.filter((x) => x.kind === 'publish-error').map((x) => String(x['error']));
        throw new Error(`${e.message.split('\n')[0]}; central's publish errors: ${JSON.stringify(errors)}`);
      });
      // Counted by reading them: central writes in transactions, whose commit markers take
      // offsets too, so the end offset is not the number of records.
      let copies = 0;
      const reader = kafka2.consumer({ groupId: `${net2.tag}-dead-letter-count` });
      await reader.connect();
      await reader.subscribe({ topics: [name('dead-letter')], fromBeginning: true });
      await reader.run({ eachMessage: async () => void copies++ });
      try {
        await until(
          () => copies >= want,
          () => `dead-letter has ${copies} of ${want} copies; central's publish errors: ${JSON.stringify(central.events.filter((x) => x.kind === 'publish-error').map((x) => String(x['error'])))}`,
          20_000,
        );
        await sleep(500);
        assert.equal(copies, want);
      } finally {
        await reader.disconnect();
      }
    } finally {
      await Promise.all([p.disconnect(), admin.disconnect()]).catch(() => {});
    }
  } finally {
    await net2.stopAll();
  }
});
