import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/load-config.js';
import type { EvchargeConfig } from '../../src/config/schema.js';
import { createKafka } from '../../src/kafka/kafka-client.js';
import { Partitioners } from '../../src/kafka/kafkajs.js';
import { ensureTopics } from '../../src/kafka/topic-setup.js';
import type { DoctorReport } from '../../src/kafka/doctor/doctor.js';
import { isolatedConfigYaml, TEST_MIN_ISR, TEST_RF, uniqueTag } from '../helpers/kafka-env.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

// Every test runs the real binary against the real Kafka, with its own topics and groups.
const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-doctor-'));
const adminConfig = parseConfig(isolatedConfigYaml(uniqueTag()), 'admin.yaml');
const { kafka } = createKafka(adminConfig, { role: 'doctor-test' });
const admin = kafka.admin();
await admin.connect();
const toDelete: string[] = [];
const groupsToDelete: string[] = [];
after(async () => {
  if (toDelete.length) await admin.deleteTopics({ topics: toDelete }).catch(() => {});
  if (groupsToDelete.length) await admin.deleteGroups(groupsToDelete).catch(() => {});
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `yaml` to a file and returns its path and the parsed config. */
function configFile(tag: string, yaml = isolatedConfigYaml(tag)): { file: string; config: EvchargeConfig } {
  const file = path.join(dir, `${tag}.yaml`);
  writeFileSync(file, yaml);
  return { file, config: parseConfig(yaml, file) };
}

/** Waits (up to 15 s) until the group's committed offset on partition 0 of `topic` is `offset`. */
async function committedOffset(groupId: string, topic: string, offset: string): Promise<void> {
  let seen = '';
  for (const deadline = Date.now() + 15000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    seen = t?.partitions.find((p) => p.partition === 0)?.offset ?? 'none';
    if (seen === offset) return;
  }
  assert.fail(`group ${groupId} has committed offset ${seen} on ${topic}/0, not ${offset}`);
}

const topicNames = (config: EvchargeConfig) => Object.values(config.topics).map((t) => t.name);
const doctor = (file: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) => runCli(['doctor', '--config', file, ...extra], { env, timeoutMs: 60000 });

function parseReport(r: CliResult): DoctorReport {
  try {
    return JSON.parse(r.stdout) as DoctorReport;
  } catch (e) {
    throw new Error(`--json printed no JSON report (${(e as Error).message}); exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

async function createTopics(config: EvchargeConfig) {
  toDelete.push(...topicNames(config));
  const checks = await ensureTopics(admin, config);
  assert.ok(checks.every((c) => c.status === 'created' || c.status === 'ok'), JSON.stringify(checks));
}

test('a healthy deployment: exit 0, every topic OK, the brokers and the cluster named', async () => {
  const tag = uniqueTag();
  const { file, config } = configFile(tag);
  await createTopics(config);
  const r = await doctor(file);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const name of topicNames(config)) assert.match(r.stdout, new RegExp(`^  OK +${name.replaceAll('.', '\\.')} +1 · ${TEST_RF} · ${TEST_MIN_ISR} · (delete|compact)$`, 'm'), name);
  for (const b of config.brokers) assert.match(r.stdout, new RegExp(`OK +${b.replaceAll('.', '\\.')} +answers \\(node \\d+`));
  assert.match(r.stdout, /cluster \S+: \d live brokers?, controller \d+/);
  assert.match(r.stdout, /^HEALTHY \(exit 0\)/m);
  assert.doesNotMatch(r.stdout, /Problems/);
  if (TEST_RF === 1) {
    // The one-node dev setting: warned about, but healthy.
    assert.match(r.stdout, /! replication factor 1: .*losing any broker makes its partitions unavailable/);
    assert.match(r.stdout, /warnings?, which do not change the exit code/);
  }

  const j = await doctor(file, ['--json']);
  assert.equal(j.code, 0);
  const report = parseReport(j);
  assert.equal(report.healthy, true);
  assert.deepEqual(report.problems, []);
  assert.deepEqual(report.topics.map((t) => [t.name, t.status]), topicNames(config).map((n) => [n, 'ok']));
  assert.ok(report.brokers.cluster!.brokers.length >= 1);
});

test('topics that are missing: exit 1, each named, and nothing is created', async () => {
  const tag = uniqueTag();
  const { file, config } = configFile(tag);
  const r = await doctor(file);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  for (const name of topicNames(config)) {
    assert.match(r.stdout, new RegExp(`^  MISSING +${name.replaceAll('.', '\\.')} +config wants`, 'm'), name);
    assert.match(r.stdout, new RegExp(`✖ topic ${name.replaceAll('.', '\\.')}: missing`), name);
  }
  assert.match(r.stdout, /^NOT HEALTHY \(exit 1\) · 13 problems/m);
  const meta = await admin.fetchTopicMetadata({ topics: [config.topics.telemetry.name] }).catch((e: Error) => e);
  assert.ok(meta instanceof Error && /does not host this topic-partition|UNKNOWN_TOPIC/i.test(meta.message), 'the doctor only reads');
});

test('a topic created with other partitions than the config says is reported', async () => {
  const tag = uniqueTag();
  const { file, config } = configFile(tag, isolatedConfigYaml(tag, { partitions: 2 }));
  await createTopics(config);
  const telemetry = config.topics.telemetry.name;
  await admin.deleteTopics({ topics: [telemetry] });
  // Kafka deletes asynchronously: recreate once the name is free.
  for (let i = 0; ; i++) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: telemetry, numPartitions: 1, replicationFactor: TEST_RF, configEntries: [{ name: 'min.insync.replicas', value: String(TEST_MIN_ISR) }] }],
      });
      break;
    } catch (e) {
      if (i > 40) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const r = await doctor(file);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`DIFFERS +${telemetry.replaceAll('.', '\\.')} +1 · ${TEST_RF} · ${TEST_MIN_ISR} · delete +partitions 1 \\(config says 2\\)`));
  assert.match(r.stdout, new RegExp(`✖ topic ${telemetry.replaceAll('.', '\\.')}: partitions 1 \\(config says 2\\)`));
  assert.match(r.stdout, new RegExp(`OK +${config.topics.health.name.replaceAll('.', '\\.')} `), 'the others are fine');
  assert.match(r.stdout, /NOT HEALTHY \(exit 1\) · 1 problem/);
});

test('RF 2 with min ISR 2, as in the original design, is warned about: one broker down blocks writes', async () => {
  const tag = uniqueTag();
  const yaml = isolatedConfigYaml(tag)
    .replace(/replication_factor: \d+/, 'replication_factor: 2')
    .replace(/min_insync_replicas: \d+/, 'min_insync_replicas: 2');
  const { file } = configFile(tag, yaml);
  const r = await doctor(file);
  assert.match(r.stdout, /! replication factor 2 with min\.insync\.replicas 2: one broker down blocks writes with acks=all/);
  assert.match(r.stdout, /all 13 topics/);
  const j = parseReport(await doctor(file, ['--json']));
  const w = j.warnings.find((x) => x.code === 'min-isr-equals-rf');
  assert.ok(w, JSON.stringify(j.warnings));
  assert.equal(w.topics.length, 13);
});

test('a consumer group behind the end of its topics: its state, members and lag per topic', async () => {
  const tag = uniqueTag();
  const { file, config } = configFile(tag);
  await createTopics(config);
  const topic = config.topics['driver-updates'].name;
  const groupId = `${tag}-driver-D1-group`;
  groupsToDelete.push(groupId);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const send = (n: number, from: number) =>
    producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ key: 'D1', value: `m${from + i}` })) });
  await send(3, 0);
  await producer.disconnect();

  // A driver-like consumer reads the three records, commits, and stops.
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async () => {
        if (++seen === 3) resolve();
      },
    });
  });
  await done;
  await consumer.commitOffsets([{ topic, partition: 0, offset: '3' }]);
  // Once (in a CI run on a fresh cluster) the group later showed no committed offset: the
  // precondition is checked apart from what the doctor says.
  await committedOffset(groupId, topic, '3');

  // While it runs: Stable, one member, lag 0.
  const live = parseReport(await doctor(file, ['--json']));
  const liveGroup = live.groups.groups.find((g) => g.groupId === groupId);
  assert.ok(liveGroup, JSON.stringify(live.groups));
  assert.equal(liveGroup.role, 'driver');
  assert.equal(liveGroup.id, 'D1');
  assert.equal(liveGroup.state, 'Stable');
  assert.equal(liveGroup.members.length, 1);
  assert.deepEqual(liveGroup.members[0]!.assignment, { [topic]: [0] });
  assert.equal(liveGroup.lag, 0);
  await consumer.disconnect();
  await committedOffset(groupId, topic, '3');

  // Stopped, then four more records: lag 4 on driver-updates.
  const again = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await again.connect();
  await again.send({ topic, acks: -1, messages: [0, 1, 2, 3].map((i) => ({ key: 'D1', value: `n${i}` })) });
  await again.disconnect();

  const r = await doctor(file);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`driver D1 +${groupId} +Empty +0 members +lag 4 \\(driver-updates 4\\)`));
  // A driver that simply exited is not a problem: said so, not warned about.
  assert.match(r.stdout, /not running; 4 records wait for its next start/);
  assert.doesNotMatch(r.stdout, /no member is consuming/);
  assert.match(r.stdout, new RegExp(`central group ${tag}-central-group not found`));
  const j = parseReport(await doctor(file, ['--json']));
  const g = j.groups.groups.find((x) => x.groupId === groupId)!;
  assert.deepEqual(g.topics, [{ topic, key: 'driver-updates', lag: 4, partitions: [{ partition: 0, committed: 3, end: 7, lag: 4 }] }]);
});

test('unreachable brokers: exit 1 within the startup timeout, naming the address', async () => {
  const tag = uniqueTag();
  const { file } = configFile(tag, isolatedConfigYaml(tag).replace(/startup_timeout_ms: \d+/, 'startup_timeout_ms: 2000'));
  const started = Date.now();
  const r = await doctor(file, [], { EVCHARGE_BROKERS: '127.0.0.1:1' });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(Date.now() - started < 10000, `took ${Date.now() - started} ms`);
  assert.match(r.stdout, /NO ANSWER +127\.0\.0\.1:1 +connection refused/);
  assert.match(r.stdout, /✖ no broker answered at 127\.0\.0\.1:1 within 2 s \(connection refused\)/);
  assert.match(r.stdout, /not checked \(no broker answered\)/);
  assert.match(r.stderr, /no answer from 127\.0\.0\.1:1 \(connection refused\); retrying/);

  const j = await doctor(file, ['--json'], { EVCHARGE_BROKERS: '127.0.0.1:1' });
  assert.equal(j.code, 1, j.stdout + j.stderr);
  const report = parseReport(j);
  assert.equal(report.reached, false);
  assert.deepEqual(report.brokers.configured.map((c) => [c.address, c.answered]), [['127.0.0.1:1', false]]);
});

test('one configured broker answering and another not: the silent one is a problem', async () => {
  const tag = uniqueTag();
  const { file, config } = configFile(tag);
  await createTopics(config);
  const brokers = `${config.brokers[0]},127.0.0.1:1`;
  const r = await doctor(file, [], { EVCHARGE_BROKERS: brokers });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /✖ broker 127\.0\.0\.1:1 does not answer \(connection refused\)/);
  assert.match(r.stdout, /NOT HEALTHY \(exit 1\) · 1 problem/);
});

test('a config error is a usage error: exit 2', async () => {
  const r = await runCli(['doctor', '--config', path.join(dir, 'none.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read it \(file not found\)/);
});
