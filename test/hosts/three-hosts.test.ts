import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, Partitioners, type Admin } from '../../src/kafka/kafkajs.js';
import { REPO } from '../helpers/run-cli.js';

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
    await producer.connect();
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
  const { total, each } = await offsets(brokers);
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
  const before = await partitionsOf(NODES.map(broker));
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
