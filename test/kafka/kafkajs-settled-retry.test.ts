import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import '../../src/kafka/kafkajs.js';
import { kafkajsSendMessages, type CreateSendMessages } from '../../src/kafka/kafkajs-send-fix.js';
import { settleBeforeRetry } from '../../src/kafka/kafkajs-settled-retry.js';

const require = createRequire(import.meta.url);
const createRetry = require('kafkajs/src/retry/index.js') as (options: object) => unknown;

/**
 * kafkajs's real sendMessages over two stand-in brokers: broker 1 (partition 0) answers after
 * 150 ms; broker 2 (partition 1) refuses its first request at once with a retriable error, the
 * way a coordinator refuses AddPartitionsToTxn right after a commit.
 */
function twoBrokers(refusal: { name: string; message: string } = { name: 'KafkaJSProtocolError', message: 'concurrent transactions' }) {
  const produced = new Map<number, number>();
  let refreshes = 0;
  let refusals = 1;
  const broker = (nodeId: number) => ({
    nodeId,
    async produce({ topicData }: { topicData: { topic: string; partitions: { partition: number }[] }[] }) {
      produced.set(nodeId, (produced.get(nodeId) ?? 0) + 1);
      if (nodeId === 2 && refusals-- > 0) throw Object.assign(new Error(refusal.message), { name: refusal.name, retriable: true });
      if (nodeId === 1) await new Promise((r) => setTimeout(r, 150));
      return { topics: topicData.map((t) => ({ topicName: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })) })) };
    },
  });
  const brokers = new Map([1, 2].map((id) => [id, broker(id)]));
  const partitionMetadata = [{ partitionId: 0, leader: 1 }, { partitionId: 1, leader: 2 }];
  // One lock per broker, as kafkajs's idempotent producer takes around each broker's requests.
  const locks = new Map<unknown, Promise<void>>();
  const releases = new Map<unknown, () => void>();
  const sequences = new Map<number, number>();
  const eosManager = {
    isTransactional: () => false,
    isInitialized: () => true,
    getTransactionalId: () => undefined,
    getProducerId: () => 7,
    getProducerEpoch: () => 0,
    getSequence: (_topic: string, partition: number) => sequences.get(partition) ?? 0,
    updateSequence: (_topic: string, partition: number, n: number) => void sequences.set(partition, (sequences.get(partition) ?? 0) + n),
    async acquireBrokerLock(b: unknown) {
      while (locks.has(b)) await locks.get(b);
      locks.set(b, new Promise<void>((resolve) => releases.set(b, resolve)));
    },
    releaseBrokerLock(b: unknown) {
      locks.delete(b);
      releases.get(b)?.();
    },
  };
  const options = {
    logger: { error() {}, warn() {}, debug() {}, info() {} },
    cluster: {
      refreshMetadataIfNecessary: async () => {},
      refreshMetadata: async () => void refreshes++,
      addMultipleTargetTopics: async () => {},
      isConnected: () => true,
      removeBroker() {},
      findTopicPartitionMetadata: () => partitionMetadata,
      findLeaderForPartitions: (_topic: string, ids: string[]) =>
        ids.reduce<Record<number, number[]>>((m, id) => {
          const leader = partitionMetadata.find((p) => p.partitionId === Number(id))!.leader;
          (m[leader] ??= []).push(Number(id));
          return m;
        }, {}),
      findBroker: async ({ nodeId }: { nodeId: string }) => brokers.get(Number(nodeId)),
    },
    partitioner: ({ message }: { message: { key?: unknown } }) => Number(String(message.key).slice(1)),
    eosManager,
    retrier: createRetry({ retries: 5, initialRetryTime: 10, maxRetryTime: 50 }),
  };
  const args = { acks: -1, timeout: 1000, topicMessages: [{ topic: 't', messages: [{ key: 'p0', value: 'a' }, { key: 'p1', value: 'b' }] }] };
  return { produced, sequences, options, args, refreshes: () => refreshes };
}

test('kafkajs as shipped sends a slow broker its records again when another broker failed fast (the bug the fix is for)', async () => {
  assert.ok(kafkajsSendMessages, 'the unpatched sendMessages is kept');
  const f = twoBrokers();
  await kafkajsSendMessages(f.options as never)(f.args);
  assert.equal(f.produced.get(1), 2, 'broker 1 was asked twice');
  assert.equal(f.sequences.get(0), 2, 'and took the one record twice, under new sequence numbers');
});

test('with the settled retry, each broker that answered is asked once and every partition is acknowledged', async () => {
  const f = twoBrokers();
  const answers = await settleBeforeRetry(kafkajsSendMessages as CreateSendMessages)(f.options as never)(f.args);
  assert.equal(f.produced.get(1), 1, 'broker 1 was asked once');
  assert.equal(f.produced.get(2), 2, 'broker 2 was asked again after its refusal');
  assert.deepEqual([...f.sequences].sort(), [[0, 1], [1, 1]], 'one record written per partition');
  assert.deepEqual(answers.map((a) => a.partition).sort(), [0, 1]);
});

test('the producers kafkajs builds use the settled retry (the installed module)', async () => {
  const installed = require('kafkajs/src/producer/sendMessages.js') as CreateSendMessages;
  const f = twoBrokers();
  await installed(f.options as never)(f.args);
  assert.equal(f.produced.get(1), 1);
  assert.equal(f.sequences.get(0), 1);
});

test('a request timeout refreshes the metadata before the retry (kafkajs as shipped does not)', async () => {
  const timeout = { name: 'KafkaJSRequestTimeoutError', message: 'Request Produce(key: 0, version: 7) timed out' };
  const shipped = twoBrokers(timeout);
  await kafkajsSendMessages!(shipped.options as never)(shipped.args);
  assert.equal(shipped.refreshes(), 0, 'shipped: the retry goes to the leader it knew');
  const fixed = twoBrokers(timeout);
  await settleBeforeRetry(kafkajsSendMessages as CreateSendMessages)(fixed.options as never)(fixed.args);
  assert.equal(fixed.refreshes(), 1, 'fixed: the leader is looked up again');
  assert.equal(fixed.produced.get(2), 2);
});
