import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigResourceTypes } from '../../src/kafka/kafkajs.js';
import { COMPACTED_TOPICS, TOPIC_KEYS } from '../../src/bus/topics.js';
import { createKafka } from '../../src/kafka/kafka-client.js';
import { ensureTopics, verifyTopics } from '../../src/kafka/topic-setup.js';
import { isolatedConfig, TEST_MIN_ISR, TEST_RF, uniqueTag } from '../helpers/kafka-env.js';

const config = isolatedConfig(uniqueTag(), { partitions: 2 });
const { kafka } = createKafka(config, { role: 'test' });
const admin = kafka.admin();
await admin.connect();
after(async () => {
  await admin.deleteTopics({ topics: Object.values(config.topics).map((t) => t.name) }).catch(() => {});
  await admin.disconnect();
});

test('ensureTopics creates every configured topic with its partitions, RF, min ISR and cleanup policy', async () => {
  const checks = await ensureTopics(admin, config);
  // One check per topic the network uses, each named by its configured topic.
  assert.deepEqual(checks.map((c) => c.topic).sort(), TOPIC_KEYS.map((k) => config.topics[k].name).sort());
  assert.ok(checks.every((c) => c.status === 'created'), JSON.stringify(checks));

  const names = Object.values(config.topics).map((t) => t.name);
  const meta = await admin.fetchTopicMetadata({ topics: names });
  for (const t of meta.topics) {
    // The centrals' lease topic has one partition whatever the defaults say.
    assert.equal(t.partitions.length, t.name.endsWith('.central-lease') ? 1 : 2, t.name);
    assert.equal(t.partitions[0]!.replicas.length, TEST_RF, t.name);
  }
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas', 'cleanup.policy'] })),
  });
  for (const r of described.resources) {
    const value = (n: string) => r.configEntries.find((e) => e.configName === n)?.configValue;
    assert.equal(value('min.insync.replicas'), String(TEST_MIN_ISR), r.resourceName);
    const compacted = [...COMPACTED_TOPICS].some((k) => r.resourceName.endsWith(`.${k}`));
    assert.equal(value('cleanup.policy'), compacted ? 'compact' : 'delete', r.resourceName);
  }
});

test('a second run finds everything in place and changes nothing', async () => {
  const checks = await ensureTopics(admin, config);
  assert.deepEqual(new Set(checks.map((c) => c.status)), new Set(['ok']));
});

test('a topic that differs from the config is reported, not silently changed', async () => {
  const tag = uniqueTag();
  const other = isolatedConfig(tag, { partitions: 3 });
  const telemetry = other.topics.telemetry;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: telemetry.name, numPartitions: 1, replicationFactor: TEST_RF, configEntries: [{ name: 'min.insync.replicas', value: String(TEST_MIN_ISR) }] }],
  });
  try {
    const checks = await verifyTopics(admin, [telemetry, other.topics.health]);
    assert.equal(checks[0]!.status, 'differs');
    assert.deepEqual(checks[0]!.differences, ['partitions 1 (config says 3)']);
    assert.deepEqual(checks[1], { topic: other.topics.health.name, status: 'differs', differences: ['missing'] });
    const meta = await admin.fetchTopicMetadata({ topics: [telemetry.name] });
    assert.equal(meta.topics[0]!.partitions.length, 1, 'left as it was');
  } finally {
    await admin.deleteTopics({ topics: [telemetry.name] }).catch(() => {});
  }
});
