import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { PublishRejectedError, type OutgoingRecord } from '../../src/bus/bus.js';
import { KafkaBus } from '../../src/kafka/kafka-bus.js';
import type { Kafka } from '../../src/kafka/kafkajs.js';
import { isolatedConfig } from '../helpers/kafka-env.js';

// The publish paths a healthy broker never takes (a refused producer id, a record too large, a
// leader change), driven through a stand-in for kafkajs's producer: each send answers with the
// next scripted outcome. Everything else about the bus is tested against the real broker.

type Outcome = 'ok' | 'hang' | Error;
interface FakeProducer {
  idempotent: boolean;
  sent: string[][];
  disconnected: boolean;
}

function fakeKafka(script: (producer: FakeProducer, values: string[]) => Outcome) {
  const producers: FakeProducer[] = [];
  const kafka = {
    producer(options: { idempotent?: boolean }) {
      const p: FakeProducer = { idempotent: options.idempotent === true, sent: [], disconnected: false };
      producers.push(p);
      return {
        connect: async () => {},
        disconnect: async () => void (p.disconnected = true),
        sendBatch: async ({ topicMessages }: { topicMessages: { messages: { value: string }[] }[] }) => {
          const values = topicMessages.flatMap((t) => t.messages.map((m) => m.value));
          const outcome = script(p, values);
          if (outcome === 'hang') return new Promise(() => {});
          if (outcome instanceof Error) throw outcome;
          p.sent.push(values);
          return [];
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

const bus = (kafka: Kafka) => new KafkaBus(kafka, isolatedConfig(), path.join(os.tmpdir(), `evcharge-bus-publish-${process.pid}.log`));
const rec = (value: string): OutgoingRecord => ({ topic: 'telemetry', key: 'CP1', value });
const kafkaError = (name: string, message: string, retriable: boolean) => Object.assign(new Error(message), { name, retriable });

test('a refused producer id (OUT_OF_ORDER_SEQUENCE_NUMBER) starts a new idempotent producer and resends', async () => {
  const { kafka, producers } = fakeKafka((p, values) =>
    producers.indexOf(p) === 0 && values.includes('b') ? kafkaError('KafkaJSProtocolError', 'The broker received an out of order sequence number', false) : 'ok',
  );
  const b = bus(kafka);
  await b.publish([rec('a')]);
  await b.publish([rec('b')]);
  const main = producers.filter((p) => p.idempotent);
  assert.equal(main.length, 2, 'a second main producer');
  assert.deepEqual(main[0]!.sent, [['a']]);
  assert.equal(main[0]!.disconnected, true, 'the refused producer is let go');
  assert.deepEqual(main[1]!.sent, [['b']]);
  await b.close();
});

test('a record the broker refuses as too large is reported alone; the rest of its publish goes out', async () => {
  const { kafka, producers } = fakeKafka((_p, values) =>
    values.includes('huge') ? kafkaError('KafkaJSProtocolError', 'The request included a message larger than the max message size the server will accept', false) : 'ok',
  );
  const b = bus(kafka);
  await assert.rejects(b.publish([rec('x'), rec('huge'), rec('y')]), (e: unknown) => {
    assert.ok(e instanceof PublishRejectedError);
    assert.deepEqual(e.rejected.map((r) => r.record.value), ['huge']);
    return true;
  });
  assert.deepEqual(producers.flatMap((p) => p.sent), [['x'], ['y']]);
  await b.close();
});

test('a leader away is waited out: the publish resolves once a send succeeds, and the bus says it retried', async () => {
  let failures = 2;
  const { kafka } = fakeKafka(() => (failures-- > 0 ? kafkaError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', true) : 'ok'));
  const b = bus(kafka);
  const states: string[] = [];
  b.onStatus((s) => states.push(s.state));
  await b.publish([rec('a')]);
  assert.deepEqual(states, ['retrying', 'connected']);
  await b.close();
});

test('the pulse lane has its own non-idempotent producer: a main publish stuck on a leader does not hold it back', async () => {
  const { kafka, producers } = fakeKafka((p) => (p.idempotent ? 'hang' : 'ok'));
  const b = bus(kafka);
  void b.publish([rec('telemetry-waiting-for-a-leader')]);
  await b.publish([{ topic: 'health', key: 'CP1', value: 'heartbeat' }], { lane: 'pulse' });
  const pulse = producers.filter((p) => !p.idempotent);
  assert.equal(pulse.length, 1);
  assert.deepEqual(pulse[0]!.sent, [['heartbeat']]);
  await b.close();
});
