import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import '../../src/kafka/kafkajs.js';
import { completeSends, kafkajsSendFixApplied, type CreateSendMessages } from '../../src/kafka/kafkajs-send-fix.js';

type Sent = { topic: string; messages: { key: string }[] }[];
const partitionOf = (key: string) => Number(key.slice(1)) % 3; // keys p0, p1, p2, ...

/** kafkajs's send as a stand-in: answers for every partition it was given, except `drop` the first `times` sends. */
function fakeSend(drop: number, times: number) {
  const calls: Sent[] = [];
  const create: CreateSendMessages = () => async (args) => {
    const sent = args.topicMessages as Sent;
    calls.push(sent);
    const partitions = new Set(sent.flatMap((t) => t.messages.map((m) => `${t.topic}|${partitionOf(m.key)}`)));
    return [...partitions]
      .map((p) => ({ topicName: p.split('|')[0]!, partition: Number(p.split('|')[1]) }))
      .filter((a) => !(a.partition === drop && calls.length <= times));
  };
  const warnings: unknown[] = [];
  const options = {
    cluster: { findTopicPartitionMetadata: () => [0, 1, 2] },
    partitioner: ({ message }: { message: { key?: unknown } }) => partitionOf(String(message.key)),
    logger: { warn: (...a: unknown[]) => warnings.push(a) },
  };
  return { create, calls, warnings, options };
}

test('kafkajs loads the checked send (the patch is in place before kafkajs loads its producer)', () => {
  assert.equal(kafkajsSendFixApplied, true);
  const require = createRequire(import.meta.url);
  const loaded = Object.keys(require.cache);
  const at = (file: string) => loaded.findIndex((k) => k.endsWith(file));
  assert.ok(at('producer/sendMessages.js') >= 0 && at('producer/messageProducer.js') >= 0);
  assert.ok(at('producer/sendMessages.js') < at('producer/messageProducer.js'), 'sendMessages was patched before the producer required it');
});

test('records of a partition missing from the acknowledgement are sent again, and only those', async () => {
  const f = fakeSend(1, 1);
  const send = completeSends(f.create)(f.options);
  const messages = ['p0', 'p1', 'p2', 'p4'].map((key) => ({ key }));
  const answers = await send({ topicMessages: [{ topic: 'cp-commands', messages }] });
  assert.equal(f.calls.length, 2);
  assert.deepEqual(f.calls[1], [{ topic: 'cp-commands', messages: [{ key: 'p1' }, { key: 'p4' }] }]);
  assert.deepEqual(answers.map((a) => a.partition).sort(), [0, 1, 2]);
  assert.equal(f.warnings.length, 1);
});

test('a send fully acknowledged goes once; one never acknowledged fails retriably after five rounds', async () => {
  const ok = fakeSend(-1, 0);
  await completeSends(ok.create)(ok.options)({ topicMessages: [{ topic: 't', messages: [{ key: 'p0' }, { key: 'p1' }] }] });
  assert.equal(ok.calls.length, 1);

  const never = fakeSend(2, Infinity);
  await assert.rejects(completeSends(never.create)(never.options)({ topicMessages: [{ topic: 't', messages: [{ key: 'p2' }] }] }), (e: Error & { retriable?: boolean }) => {
    assert.match(e.message, /without 1 of its records/);
    assert.equal(e.retriable, true);
    return true;
  });
  assert.equal(never.calls.length, 5);
});

test('acks 0 gets no answers from brokers: nothing is checked or resent', async () => {
  const f = fakeSend(0, Infinity);
  await completeSends(f.create)(f.options)({ acks: 0, topicMessages: [{ topic: 't', messages: [{ key: 'p0' }] }] });
  assert.equal(f.calls.length, 1);
});

test('when every partition of a topic answered, no record is looked up again', async () => {
  const f = fakeSend(-1, 0);
  let lookups = 0;
  const partitioner = (a: { message: { key?: unknown } }) => (lookups++, f.options.partitioner(a));
  const messages = ['p0', 'p1', 'p2', 'p3'].map((key) => ({ key }));
  await completeSends(f.create)({ ...f.options, partitioner })({ topicMessages: [{ topic: 't', messages }] });
  assert.equal(lookups, 0);
});
