import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import '../../src/kafka/kafkajs.js';
import { withoutFailedTopics } from '../../src/kafka/kafkajs-untargeted-metadata.js';

// An all-topics metadata answer in which someone else's topic has a partition without a leader
// (error 5, LEADER_NOT_AVAILABLE: its only replica's broker is down). The real cluster case is in
// test/cluster/three-node.test.ts.
const require = createRequire(import.meta.url);
const answer = {
  throttleTime: 0,
  brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
  clusterId: 'c',
  controllerId: 1,
  topicMetadata: [
    { topicErrorCode: 0, topic: 'evcharge.telemetry', isInternal: false, partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] }] },
    { topicErrorCode: 0, topic: 'other.rf1', isInternal: false, partitionMetadata: [{ partitionErrorCode: 5, partitionId: 0, leader: -1, replicas: [2], isr: [], offlineReplicas: [2] }] },
  ],
};

test('as shipped, kafkajs fails a whole metadata answer for one leaderless partition of any topic', async () => {
  const { parse } = require('kafkajs/src/protocol/requests/metadata/v6/response.js') as { parse(d: unknown): Promise<unknown> };
  await assert.rejects(parse(answer), (e: Error & { type?: string }) => e.type === 'LEADER_NOT_AVAILABLE');
});

test('an untargeted refresh keeps the topics that answered and leaves out the failed ones', () => {
  const kept = withoutFailedTopics(answer);
  assert.deepEqual(kept.topicMetadata.map((t) => t.topic), ['evcharge.telemetry']);
  assert.deepEqual(kept.brokers, answer.brokers, 'the brokers are what the refresh is for');
  assert.equal(answer.topicMetadata.length, 2, 'the answer itself is not changed');
});

test('the patch is installed on kafkajs\'s broker pool and broker', () => {
  const BrokerPool = require('kafkajs/src/cluster/brokerPool.js') as { prototype: Record<symbol, unknown> };
  const Broker = require('kafkajs/src/broker/index.js') as { prototype: Record<symbol, unknown> };
  const patched = Symbol.for('evcharge.kafkajs.untargeted-metadata.patched');
  assert.equal(BrokerPool.prototype[patched], true);
  assert.equal(Broker.prototype[patched], true);
});
