import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IncomingRecord } from '../../src/bus/bus.js';
import { parseConfig } from '../../src/config/load-config.js';
import { connectKafka, type KafkaConnection } from '../../src/kafka/connect.js';
import { TEST_BROKERS, uniqueTag } from '../helpers/kafka-env.js';
import { REPO } from '../helpers/run-cli.js';

// Runs against the three-node cluster that `npm test` starts (scripts/kafka.mjs up --nodes 3);
// skipped, with the reason, when the tests were pointed at some other Kafka.
const state = path.join(process.env.EVCHARGE_KAFKA_HOME ?? path.join(REPO, '.kafka'), 'cluster.json');
const ours = existsSync(state) && JSON.parse(readFileSync(state, 'utf8')).nodes === 3 && TEST_BROKERS.split(',').length === 3;
const skip = ours ? false : 'needs the three-node local cluster of scripts/kafka.mjs (npm test starts it)';

const kafkaScript = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO, 'scripts/kafka.mjs'), ...args], { encoding: 'utf8' });

const tag = uniqueTag();
// kafka_config.cluster.yaml, with topic names private to this test.
const clusterYaml = readFileSync(path.join(REPO, 'kafka_config.cluster.yaml'), 'utf8').replace(
  /^topics:\n[\s\S]*?\n\n/m,
  (block) => block.replace(/^  ([a-z-]+): \{\}/gm, `  $1: { name: ${tag}.$1 }`),
);
const connections: KafkaConnection[] = [];
after(async () => {
  for (const c of connections) await c.bus.close();
  kafkaScript('start-node', '2');
});

test('the cluster config creates 3 partitions, RF 3, min ISR 2, as Kafka own TopicCommand shows', { skip }, async () => {
  const config = parseConfig(clusterYaml, 'cluster.yaml');
  assert.equal(config.topics.telemetry.name, `${tag}.telemetry`);
  const conn = await connectKafka(config, { who: { role: 'test' } });
  connections.push(conn);
  assert.ok(conn.topics.every((t) => t.status === 'created'), JSON.stringify(conn.topics));

  const described = kafkaScript('tool', 'topics', '--describe', '--topic', `${tag}.telemetry`);
  assert.equal(described.status, 0, described.stderr);
  assert.match(described.stdout, /PartitionCount: 3\s+ReplicationFactor: 3/);
  assert.match(described.stdout, /min\.insync\.replicas=2/);
  const isrs = [...described.stdout.matchAll(/Isr: ([\d,]+)/g)].map((m) => m[1]!.split(',').length);
  assert.deepEqual(isrs, [3, 3, 3]);
});

test('with node 2 stopped the cluster still takes acks=all writes and serves them', { skip }, async () => {
  const config = parseConfig(clusterYaml, 'cluster.yaml');
  const stopped = kafkaScript('stop-node', '2');
  assert.equal(stopped.status, 0, stopped.stdout + stopped.stderr);
  assert.match(kafkaScript('status').stdout, /node 2: down/);

  const conn = await connectKafka(config, { who: { role: 'test' } });
  connections.push(conn);
  const got: IncomingRecord[] = [];
  let resolve: () => void = () => {};
  const all = new Promise<void>((r) => (resolve = r));
  const sub = await conn.bus.subscribe({ group: `${tag}-survivor`, topics: ['telemetry'], fromBeginning: true }, async (records) => {
    got.push(...records);
    if (got.length >= 9) resolve();
  });
  await conn.bus.publish(Array.from({ length: 9 }, (_, i) => ({ topic: 'telemetry' as const, key: `CP${i % 3}`, value: JSON.stringify({ i }) })));
  await Promise.race([all, new Promise((_, rej) => setTimeout(() => rej(new Error(`only ${got.length}/9 arrived`)), 30000))]);
  assert.deepEqual(got.map((r) => JSON.parse(r.value!).i).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  await sub.close();

  const restarted = kafkaScript('start-node', '2');
  assert.equal(restarted.status, 0, restarted.stdout + restarted.stderr);
  assert.match(kafkaScript('status').stdout, /3\/3 nodes up/);
});
