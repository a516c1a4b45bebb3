import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createKafka } from '../../src/kafka/kafka-client.js';
import { parseConfig } from '../../src/config/load-config.js';
import { TEST_BROKERS, isolatedConfigYaml, uniqueTag } from '../helpers/kafka-env.js';
import { REPO } from '../helpers/run-cli.js';

/** Where scripts/kafka.mjs keeps the cluster the tests run on. */
const KAFKA_HOME = process.env.EVCHARGE_KAFKA_HOME ?? path.join(REPO, '.kafka');

/** The failure tests stop and kill brokers: only on the three-node cluster of scripts/kafka.mjs. */
export const clusterSkip = (() => {
  const state = path.join(KAFKA_HOME, 'cluster.json');
  const ours = existsSync(state) && JSON.parse(readFileSync(state, 'utf8')).nodes === 3 && TEST_BROKERS.split(',').length === 3;
  return ours ? false : 'needs the three-node local cluster of scripts/kafka.mjs (npm test starts it)';
})();

export function kafkaScript(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts/kafka.mjs'), ...args], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

export function mustKafka(...args: string[]): string {
  const r = kafkaScript(...args);
  if (r.status !== 0) throw new Error(`kafka.mjs ${args.join(' ')} failed:\n${r.out}`);
  return r.out;
}

/** Like mustKafka, without blocking the test's event loop (a broker restart takes a while). */
export function kafkaAsync(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'scripts/kafka.mjs'), ...args]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`kafka.mjs ${args.join(' ')} failed:\n${out}`))));
  });
}

/** Node ids (1..3) leading the partitions of `topic`, most partitions first. */
export async function leadersOf(topic: string): Promise<number[]> {
  const config = parseConfig(isolatedConfigYaml(uniqueTag()), 'probe.yaml');
  const admin = createKafka(config, { role: 'test-probe' }).kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = new Map<number, number>();
    for (const p of meta.topics[0]!.partitions) count.set(p.leader, (count.get(p.leader) ?? 0) + 1);
    return [...count.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every partition of `topics` (and the group offsets topic) has all its replicas in
 * sync again: a restarted broker counts as back only then. Killing the next broker earlier
 * would leave partitions with one in-sync replica, below min ISR 2: a second failure, not the
 * restart-then-kill the tests mean.
 */
export async function waitForFullIsr(topics: string[], ms = 90_000): Promise<number> {
  const started = Date.now();
  const config = parseConfig(isolatedConfigYaml(uniqueTag()), 'probe.yaml');
  const admin = createKafka(config, { role: 'test-probe' }).kafka.admin();
  await admin.connect();
  try {
    for (;;) {
      const lagging = await admin
        .fetchTopicMetadata({ topics: [...topics, '__consumer_offsets'] })
        .then((meta) => meta.topics.flatMap((t) => t.partitions.filter((p) => p.isr.length < p.replicas.length).map((p) => `${t.name}/${p.partitionId}`)))
        .catch((e: Error) => [`metadata: ${e.message}`]);
      if (lagging.length === 0) return Date.now() - started;
      if (Date.now() - started > ms) throw new Error(`replicas still out of sync after ${ms} ms: ${lagging.slice(0, 5).join(', ')}`);
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Longest pause between consecutive events of `kind` in a role's output, in ms. */
export function longestGap(events: { at: number; kind: string }[], kind: string): number {
  const times = events.filter((e) => e.kind === kind).map((e) => e.at);
  let worst = 0;
  for (let i = 1; i < times.length; i++) worst = Math.max(worst, times[i]! - times[i - 1]!);
  return worst;
}

export interface ClusterReturn {
  /** The first metadata request any broker answered. */
  firstAnswerAt: number;
  /** The first answer in which every broker is listed and every partition of `topics` has a leader. */
  wholeAt: number;
}

/**
 * Polls the cluster with a fresh client every 200 ms while it is away (each poll gives up within
 * about a second) and says when it answered metadata again: first at all, then whole.
 */
export async function watchClusterReturn(topics: string[], brokers: number, ms = 180_000): Promise<ClusterReturn> {
  const started = Date.now();
  const config = parseConfig(isolatedConfigYaml(uniqueTag()), 'probe.yaml');
  let firstAnswerAt = 0;
  for (;;) {
    const admin = createKafka(config, { role: 'test-probe' }, { requestTimeoutMs: 1000 }).kafka.admin({ retry: { retries: 0 } });
    const polledAt = Date.now();
    const whole = await (async () => {
      await admin.connect();
      const meta = await admin.fetchTopicMetadata({ topics: [...topics, '__consumer_offsets'] });
      // When the answer came, not when the poll began: a connect may wait out its own retries.
      if (!firstAnswerAt) firstAnswerAt = Date.now();
      const cluster = await admin.describeCluster();
      const led = meta.topics.every((t) => t.partitions.every((p) => p.leader >= 0 && p.partitionErrorCode === 0));
      return cluster.brokers.length >= brokers && led ? Date.now() : 0;
    })()
      .catch(() => 0)
      .finally(() => admin.disconnect().catch(() => {}));
    if (whole) return { firstAnswerAt, wholeAt: whole };
    if (Date.now() - started > ms) throw new Error(`the cluster did not come back whole within ${ms} ms`);
    await sleep(Math.max(0, 200 - (Date.now() - polledAt)));
  }
}

/**
 * How long after `since` no partition of `topics` is led by node `node` any more: the cluster's
 * fencing of a killed broker, as its clients see it (metadata polled every 200 ms).
 */
export async function fencedAfter(node: number, topics: string[], since: number, ms = 60_000): Promise<number> {
  const config = parseConfig(isolatedConfigYaml(uniqueTag()), 'probe.yaml');
  for (;;) {
    const admin = createKafka(config, { role: 'test-probe' }, { requestTimeoutMs: 1000 }).kafka.admin({ retry: { retries: 1 } });
    const moved = await admin
      .connect()
      .then(() => admin.fetchTopicMetadata({ topics }))
      .then((meta) => meta.topics.every((t) => t.partitions.every((p) => p.leader !== node && p.leader >= 0)))
      .catch(() => false)
      .finally(() => admin.disconnect().catch(() => {}));
    if (moved) return Date.now() - since;
    if (Date.now() - since > ms) throw new Error(`node ${node} still leads partitions ${ms} ms after it was killed`);
    await sleep(200);
  }
}
