import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, Partitioners, type Admin } from '../../src/kafka/kafkajs.js';
import { REPO } from '../helpers/run-cli.js';
import { TestNetwork, type JsonEvent, type RoleProcess } from '../helpers/role-process.js';
import { roundKwh } from '../../src/protocol/money.js';

// Three "real hosts" on this machine (network namespaces evc-h1..3 on a bridge, scripts/hosts.mjs),
// one Kafka node on each, bound to and advertising its host's address (scripts/kafka.mjs node up),
// as on three machines. Then host 2's network is cut (its JVM keeps running) and healed.
// Needs root and iproute2; skipped, with the reason, elsewhere. It does not use the test cluster.

interface HostsLib {
  netnsSupport(): { ok: boolean; why: string };
  hostAddress(n: number): string;
  hostName(n: number): string;
  up(options?: { hosts?: number }): Promise<Array<{ n: number; name: string; address: string }>>;
  down(): Promise<{ hosts: number[]; killed: number[] }>;
  cut(n: number): void;
  heal(n: number): void;
  pidsIn(n: number): number[];
  existingHosts(): number[];
}
const hosts = (await import(pathToFileURL(path.join(REPO, 'scripts/hosts-lib.mjs')).href)) as HostsLib;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// The hosts' names and addresses are fixed, so one run at a time on a machine (npm test runs this
// file too). A lock left by a run that died (its pid gone) means the hosts there are that run's
// leftovers: this run removes them first.
const LOCK = path.join(os.tmpdir(), 'evc-three-hosts-test.pid');
let locked = false;
let staleLock = false;
function takeLock(): string | false {
  try {
    writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(LOCK, 'utf8'));
    if (holder && holder !== process.pid && alive(holder)) return `another run of this test (pid ${holder}) is using the hosts evc-h1..3`;
    staleLock = true;
    writeFileSync(LOCK, String(process.pid));
  }
  locked = true;
  process.on('exit', () => rmSync(LOCK, { force: true }));
  return false;
}

const support = hosts.netnsSupport();
const javaOk = spawnSync('java', ['-version'], { encoding: 'utf8' }).status === 0;
const skip = !support.ok ? `needs Linux network namespaces: ${support.why}` : !javaOk ? 'needs Java 17+ to run Kafka' : takeLock();

const NODES = [1, 2, 3];
const address = (n: number) => hosts.hostAddress(n);
const broker = (n: number) => `${address(n)}:9092`;
const QUORUM = NODES.map((n) => `${n}@${address(n)}`).join(',');
const TOPIC = `three-hosts-${process.pid}`;
const PARTITIONS = 6;

let tmp = '';
let ours = false;
const homes = new Map<number, string>();
let formedMs = 0;
const closers: Array<() => Promise<void>> = [];

const kafkaScript = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO, 'scripts/kafka.mjs'), ...args], { encoding: 'utf8' });

/** Runs a command inside host n (scripts/hosts.mjs exec), without blocking the event loop. */
function inHost(n: number, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'scripts/hosts.mjs'), 'exec', String(n), '--', ...args], { cwd: REPO });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const pidOf = (n: number) => Number(readFileSync(path.join(homes.get(n)!, 'kafka.pid'), 'utf8'));
function client(brokers = NODES.map(broker)) {
  // Short timeouts: the cut-off host answers nothing, not even a refusal, and kafkajs may try it for
  // metadata even when it is not among the bootstrap brokers. A connection on this bridge takes well
  // under a millisecond, so 1 s is patient and keeps a probe that tries host 2 short.
  return new Kafka({
    clientId: 'three-hosts-test',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { initialRetryTime: 200, maxRetryTime: 1000, retries: 5 },
  });
}

async function withAdmin<T>(brokers: string[], fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = client(brokers).admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

type Partition = { partitionId: number; leader: number; isr: number[]; replicas: number[] };
const partitionsOf = (brokers: string[]) =>
  withAdmin(brokers, async (admin) => (await admin.fetchTopicMetadata({ topics: [TOPIC] })).topics[0]!.partitions as Partition[]);
const describe = (ps: Partition[]) => ps.map((p) => `p${p.partitionId} leader ${p.leader} isr ${[...p.isr].sort().join(',')}`).join('; ');

/** Polls probe every 250 ms until it returns a value (errors count as not yet), at most ms; resolves to the value and the time it took. */
async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let last = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return { value, ms: Date.now() - started };
      last = 'condition not met';
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Sends `count` records with acks=-1 spread over every partition; resolves to the time it took.
 * Idempotent, so a retried request (a reply lost or late) is not written twice and offsets count records.
 */
async function produce(brokers: string[], count: number, tag: string): Promise<number> {
  const producer = client(brokers).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  closers.push(() => producer.disconnect());
  try {
    // The producer id comes from a coordinator that may still be loading after a failover
    // (its partitions just moved): wait for it. Nothing is written until it answers.
    await waitFor('a producer id', 30_000, async () => (await producer.connect(), true));
    const started = Date.now();
    await producer.send({
      topic: TOPIC,
      acks: -1,
      timeout: 10_000,
      messages: Array.from({ length: count }, (_, i) => ({ partition: i % PARTITIONS, key: `${tag}-${i}`, value: JSON.stringify({ tag, i }) })),
    });
    return Date.now() - started;
  } finally {
    await producer.disconnect().catch(() => {});
  }
}

/** Records in the topic (the sum of its partitions' high watermarks), and per partition, for messages. */
const offsets = (brokers: string[]) =>
  withAdmin(brokers, async (admin) => {
    const ps = await admin.fetchTopicOffsets(TOPIC);
    return { total: ps.reduce((sum, p) => sum + Number(p.high), 0), each: ps.map((p) => `p${p.partition} ${p.high}`).join(', ') };
  });
async function assertRecords(brokers: string[], expected: number) {
  // Read again while a leadership is moving (NOT_LEADER from stale metadata); the count is not retried.
  const { value: { total, each } } = await waitFor('the partitions\' end offsets', 20_000, () => offsets(brokers));
  assert.equal(total, expected, `records per partition: ${each}`);
}

before(
  async () => {
    if (skip) return;
    if (staleLock) await hosts.down();
    const busy = hosts.existingHosts().filter((n) => hosts.pidsIn(n).length > 0);
    if (busy.length)
      throw new Error(`hosts ${busy.map(hosts.hostName).join(', ')} exist with processes inside; \`node scripts/hosts.mjs down\` removes them`);
    ours = true;
    tmp = mkdtempSync(path.join(os.tmpdir(), 'evc-hosts-'));
    await hosts.up({ hosts: 3 });
    const id = kafkaScript('node', 'cluster-id');
    assert.equal(id.status, 0, id.stderr);
    const clusterId = id.stdout.trim();
    for (const n of NODES) homes.set(n, path.join(tmp, `node-${n}`));
    // All three at once, as three operators would: each `node up` waits until its node is in the cluster.
    const started = Date.now();
    const results = await Promise.all(
      NODES.map((n) =>
        inHost(n, [
          process.execPath,
          path.join(REPO, 'scripts/kafka.mjs'),
          'node',
          'up',
          '--id',
          String(n),
          '--address',
          address(n),
          '--quorum',
          QUORUM,
          '--cluster-id',
          clusterId,
          '--home',
          homes.get(n)!,
          '--wait-seconds',
          '100',
        ]),
      ),
    );
    formedMs = Date.now() - started;
    results.forEach((r, i) => assert.equal(r.code, 0, `node up on host ${i + 1} failed:\n${r.out}`));
  },
  { timeout: 150_000 },
);

after(
  async () => {
    if (ours) {
      for (const close of closers) await close().catch(() => {});
      for (const [n, home] of homes) {
        const r = kafkaScript('node', 'kill', '--home', home);
        if (r.status !== 0) console.error(`node kill ${n}: ${r.stdout}${r.stderr}`);
      }
      await hosts.down().catch((e: Error) => console.error(`hosts down: ${e.message}`));
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
    if (locked) rmSync(LOCK, { force: true });
  },
  { timeout: 60_000 },
);

test('one Kafka node per host forms one cluster, each broker advertised at its host address', { skip, timeout: 30_000 }, async (t) => {
  t.diagnostic(`three nodes formatted, started and registered in ${(formedMs / 1000).toFixed(1)} s`);
  for (const n of NODES) {
    const pid = pidOf(n);
    // The JVM stays in the host's namespace after `hosts.mjs exec` returned.
    assert.ok(hosts.pidsIn(n).includes(pid), `node ${n} (pid ${pid}) is not in ${hosts.hostName(n)}: ${hosts.pidsIn(n).join(' ')}`);
    assert.equal(spawnSync('ip', ['netns', 'identify', String(pid)], { encoding: 'utf8' }).stdout.trim(), hosts.hostName(n));
  }
  const { brokers } = await withAdmin(NODES.map(broker), (admin) => admin.describeCluster());
  assert.deepEqual(
    [...brokers].sort((a, b) => a.nodeId - b.nodeId).map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
    NODES.map((n) => ({ nodeId: n, host: address(n), port: 9092 })),
  );
  const status = kafkaScript('node', 'status', '--home', homes.get(1)!);
  assert.equal(status.status, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /node 1: up {2}broker 10\.213\.7\.11:9092 {2}controller 10\.213\.7\.11:9093/);
});

test('a topic with RF 3 and min ISR 2 takes acks=-1 writes, replicated on all three hosts', { skip, timeout: 60_000 }, async (t) => {
  await withAdmin(NODES.map(broker), (admin) =>
    // Not waitForLeaders: kafkajs gives up when a broker of a young cluster has not heard of the
    // topic yet (UNKNOWN_TOPIC_OR_PARTITION); the wait below retries until every replica is in sync.
    admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
    }),
  );
  const { value: partitions } = await waitFor('every replica in sync', 30_000, async () => {
    const ps = await partitionsOf(NODES.map(broker));
    return ps.length === PARTITIONS && ps.every((p) => p.isr.length === 3) ? ps : undefined;
  });
  assert.deepEqual(new Set(partitions.map((p) => p.leader)), new Set(NODES), `leaders spread over the three nodes: ${describe(partitions)}`);
  const sendMs = await produce(NODES.map(broker), 30, 'before');
  t.diagnostic(`30 acks=-1 records written in ${sendMs} ms; leaders ${describe(partitions)}`);
  await assertRecords(NODES.map(broker), 30);
});

test('host 2 cut off: its partitions get new leaders, node 2 leaves the ISR, acks=-1 writes go on', { skip, timeout: 60_000 }, async (t) => {
  const survivors = [1, 3].map(broker);
  // Retried: a young cluster's coordinator may still be loading ("coordinator is loading").
  const { value: before } = await waitFor('the partitions before the cut', 20_000, () => partitionsOf(NODES.map(broker)));
  const ledBy2 = before.filter((p) => p.leader === 2).map((p) => p.partitionId);
  assert.ok(ledBy2.length > 0, `node 2 leads no partition: ${describe(before)}`);

  hosts.cut(2);
  const { value: after, ms } = await waitFor('node 2 out of every ISR, its partitions led by 1 or 3', 20_000, async () => {
    const ps = await partitionsOf(survivors);
    return ps.every((p) => (p.leader === 1 || p.leader === 3) && !p.isr.includes(2) && p.isr.length === 2) ? ps : undefined;
  });
  t.diagnostic(`node 2 out of the ISR and its partitions (${ledBy2.join(', ')}) moved ${(ms / 1000).toFixed(1)} s after the cut`);
  assert.ok(ms <= 15_000, `took ${ms} ms: ${describe(after)}`);
  // A network cut, not a crash: node 2's JVM runs on in its namespace, unreachable.
  assert.ok(alive(pidOf(2)) && hosts.pidsIn(2).includes(pidOf(2)));
  const { brokers } = await withAdmin(survivors, (admin) => admin.describeCluster());
  assert.deepEqual(brokers.map((b) => b.nodeId).sort(), [1, 3], 'a fenced broker is not in the metadata');

  const sendMs = await produce(survivors, 30, 'cut');
  t.diagnostic(`30 acks=-1 records written with host 2 cut off in ${sendMs} ms`);
  await assertRecords(survivors, 60);
});

test('host 2 healed: node 2 rejoins and is back in the ISR of every partition', { skip, timeout: 90_000 }, async (t) => {
  hosts.heal(2);
  const { value: partitions, ms } = await waitFor('node 2 in every ISR again', 60_000, async () => {
    const ps = await partitionsOf(NODES.map(broker));
    return ps.every((p) => p.isr.length === 3) ? ps : undefined;
  });
  t.diagnostic(`node 2 back in every ISR ${(ms / 1000).toFixed(1)} s after the heal`);
  assert.ok(partitions.every((p) => p.isr.includes(2)), describe(partitions));
  const { brokers } = await withAdmin(NODES.map(broker), (admin) => admin.describeCluster());
  assert.deepEqual(brokers.map((b) => b.nodeId).sort(), NODES);
  // Nothing written before or during the cut is lost.
  await assertRecords(NODES.map(broker), 60);
});

// ---------------------------------------------------------------------------------------------
// The design's deployment on these hosts: central on host 1 with a standby on host 3, the CPs on
// host 2, the drivers on host 3, every role a process of the real binary inside its host.
// ---------------------------------------------------------------------------------------------
const CPS = 3;
const PRICE = 0.45;
// The evcharge network on the hosts. A host that is cut off is silent, not down: a request to its
// broker gets no answer and a connection no refusal, so the roles here wait less for either than
// the defaults (README: a deployment where a machine can vanish silently). Part of `npm test`;
// EVCHARGE_HOSTS_NETWORK=0 skips it where only the Kafka part should run.
const networkSkip = skip || (process.env.EVCHARGE_HOSTS_NETWORK === '0' ? 'EVCHARGE_HOSTS_NETWORK=0: the evcharge network on the hosts is skipped' : false);
let net: TestNetwork | null = null;
let centrals: { first: RoleProcess; backup: RoleProcess } | null = null;
let cps: RoleProcess[] = [];
after(async () => {
  await net?.stopAll();
});

test('central on host 1 cut off for 20 s during supplies: the standby on host 3 takes over; healed, one ticket each', { skip: networkSkip, timeout: 240_000 }, async (t) => {
  net = new TestNetwork({ partitions: 3, brokers: NODES.map(broker), replicationFactor: 3, requestTimeoutMs: 5000, connectionTimeoutMs: 1000 });
  const first = net.central({}, hosts.hostName(1));
  await first.waitForKind('active', {}, 60_000);
  const backup = net.central({}, hosts.hostName(3));
  const standby = await backup.waitFor((e) => e.kind === 'standby' && e['active'] !== null, 'a standby naming the active central', 60_000);
  assert.equal((standby['active'] as { pid: number }).pid, first.pid);
  centrals = { first, backup };
  const drivers: RoleProcess[] = [];
  for (let i = 0; i < CPS; i++) {
    cps.push(net.cp(`CPH${i}`, ['--speed', '10', '--price', String(PRICE)], hosts.hostName(2)));
    drivers.push(net.driver(`DH${i}`, [], hosts.hostName(3)));
  }
  for (let i = 0; i < CPS; i++) await first.waitForKind('cp-registered', { cpId: `CPH${i}` }, 60_000);
  for (const [i, d] of drivers.entries()) {
    await d.waitForKind('ready', {}, 60_000);
    d.send(`request CPH${i}`);
  }
  for (const d of drivers) await d.waitFor((e) => e.kind === 'progress' && Number(e['seq']) >= 1, 'two readings', 60_000);

  const cutAt = Date.now();
  hosts.cut(1);
  const took = await backup.waitForKind('active', {}, 60_000);
  const tookMs = took.at - cutAt;
  t.diagnostic(`the standby on host 3 took over ${tookMs} ms after host 1 was cut off`);
  console.log(`[hosts] central's host cut off: the standby on host 3 took over ${tookMs} ms after the cut`);
  // Live progress reaches the drivers again through the new active while host 1 is away.
  const from = drivers.map((d) => d.events.length);
  for (const [i, d] of drivers.entries()) await d.waitFor((e) => e.kind === 'progress', 'progress relayed by the new active', 30_000, from[i]);
  await new Promise((r) => setTimeout(r, Math.max(0, cutAt + 20_000 - Date.now())));
  const healedAt = Date.now();
  const fromFirst = first.events.length;
  hosts.heal(1);
  // Back on the network, the old active finds it was replaced (its writes are fenced) and steps down.
  const down = await first.waitFor((e) => e.kind === 'standby', 'the old active standing by', 60_000, fromFirst);
  t.diagnostic(`the old active on host 1 stood by ${down.at - healedAt} ms after the heal`);
  for (const d of drivers) assert.equal(d.count('ticket'), 0, `${d.name}: the supply went on through the cut`);

  for (const d of drivers) d.send('stop');
  for (const d of drivers) await d.waitForKind('ticket', {}, 60_000);
  for (const d of drivers) d.send('quit');
  for (const [i, d] of drivers.entries()) {
    const tickets = d.events.filter((e) => e.kind === 'ticket');
    assert.equal(tickets.length, 1, `${d.name}: exactly one ticket`);
    assert.equal(tickets[0]!['reason'], 'driver-stop');
    const cpEnd = await cps[i]!.waitForKind('supply-ended', { sessionId: tickets[0]!['sessionId'] });
    assert.equal(roundKwh(Number(cpEnd['kwh'])), Number(tickets[0]!['kwh']), `${d.name}: the ticket bills what the CP measured`);
  }
  assert.equal(backup.count('cp-disconnected'), 0, 'no CP was declared DISCONNECTED because central changed');
});

/** Whether a central's last word on the lease is that it is the active one. */
const saysActive = (c: RoleProcess) => [...c.events].reverse().find((e) => ['active', 'standby', 'stepped-down'].includes(e.kind))?.kind === 'active';

test('the CPs\' host 2 cut off for 20 s: its CPs are DISCONNECTED on central after the heartbeat timeout and come back by themselves', { skip: networkSkip, timeout: 180_000 }, async (t) => {
  assert.ok(net && centrals && cps.length === CPS, 'needs the network of the previous test');
  // Host 2 also holds a Kafka node, which may hold the lease group's coordinator: if the active
  // central cannot reach the coordinator's successor within its lease session, the lease moves to
  // the other central. Either way exactly one central is in charge, and that one must judge.
  const both = [centrals.first, centrals.backup];
  const from = both.map((c) => c.events.length);
  const onEither = (pred: (e: JsonEvent) => boolean, what: string, ms: number) =>
    Promise.any(both.map((c, i) => c.waitFor(pred, what, ms, from[i]))).catch((e: AggregateError) => {
      throw new Error(e.errors.map((x: Error) => x.message).join('\n'));
    });
  const cutAt = Date.now();
  hosts.cut(2);
  // 16-25 s in the runs so far: host 2's broker is fenced first (6 s), central's consumers find the
  // health partitions' new leaders, and a stalled partition's CPs are judged only from when its
  // ticks flow again, plus the 3 s heartbeat timeout.
  const down: number[] = [];
  for (const cp of cps) down.push((await onEither((e) => e.kind === 'cp-disconnected' && e['cpId'] === cp.name, `${cp.name} DISCONNECTED`, 45_000)).at);
  t.diagnostic(`every CP of host 2 DISCONNECTED ${Math.max(...down) - cutAt} ms after the cut (heartbeat timeout 3 s; the partitions led on host 2 move first)`);
  await new Promise((r) => setTimeout(r, Math.max(0, cutAt + 20_000 - Date.now())));
  const healedAt = Date.now();
  hosts.heal(2);
  const back: number[] = [];
  for (const cp of cps) back.push((await onEither((e) => e.kind === 'cp-reconnected' && e['cpId'] === cp.name, `${cp.name} back`, 60_000)).at);
  t.diagnostic(`every CP back ${Math.max(...back) - healedAt} ms after the heal`);
  for (const cp of cps) assert.equal(cp.exitCode(), null, `${cp.name} kept running on its own`);
  const active = both.filter(saysActive);
  assert.equal(active.length, 1, `exactly one central says it is active (${both.map((c) => `${c.name}: ${saysActive(c) ? 'active' : 'standby'}`).join(', ')})`);
  t.diagnostic(`the lease ${active[0] === centrals.backup ? 'stayed on host 3' : 'moved to host 1 (the lease coordinator was on host 2)'}`);
  for (const cp of cps) await active[0]!.waitForCpState(cp.name, 'AVAILABLE', 30_000);
});
