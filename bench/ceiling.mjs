// The ceiling: what kafkajs itself does on this broker with telemetry-sized messages, on topics
// with the same settings as evcharge's. Bench-only measurement code: it talks to kafkajs directly.
import { Partitioners } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { round } from './lib/env.mjs';

/** A supply.telemetry record exactly as a CP encodes it (same envelope, same field sizes). */
export function telemetryRecord({ cpId, instanceId, sessionId, seq, at }) {
  const kw = 22;
  const kwh = Math.round(seq * 0.00611 * 1000) / 1000;
  const value = JSON.stringify({
    type: 'supply.telemetry',
    sender: `cp:${cpId}`,
    id: randomUUID(),
    ts: at,
    v: 1,
    payload: { cpId, instanceId, sessionId, seq, kw, kwh, eur: Math.round(kwh * 0.35 * 100) / 100 },
  });
  return { key: cpId, value };
}

/** Producer settings of evcharge's KafkaBus: idempotent, one request in flight, acks -1. */
export function evchargeProducer(kafka) {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

/**
 * Raw produce: `messages` records in sendBatch calls of `batchSize`, one after another (as
 * evcharge's producer does: one request in flight), acks -1.
 */
export async function rawProduce(kafka, topic, messages, batchSize = 1000) {
  const producer = evchargeProducer(kafka);
  await producer.connect();
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += batchSize) {
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: messages.slice(i, i + batchSize) }] });
  }
  const seconds = (performance.now() - t0) / 1000;
  await producer.disconnect();
  return { messages: messages.length, seconds: round(seconds, 3), perSecond: Math.round(messages.length / seconds) };
}

/**
 * Raw consume: a new group reads `expected` records of `topic` from the beginning with eachBatch,
 * turning each value into a string (as evcharge's bus does) and committing per batch.
 * `relayTopic`: also produce one record per record consumed (acks -1) before committing, which
 * is the shape of central's work (read telemetry, send the driver's progress).
 */
export async function rawConsume(kafka, topic, expected, { groupId, relayTopic = null, sessionTimeout = 30000 } = {}) {
  const consumer = kafka.consumer({ groupId, sessionTimeout, heartbeatInterval: 1000, maxWaitTimeInMs: 1000, allowAutoTopicCreation: false });
  const producer = relayTopic ? evchargeProducer(kafka) : null;
  await consumer.connect();
  if (producer) await producer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let count = 0;
  let t0 = 0;
  let done;
  const finished = new Promise((r) => (done = r));
  await consumer.run({
    autoCommit: true,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
      if (t0 === 0) t0 = performance.now();
      const values = batch.messages.map((m) => ({ key: m.key?.toString() ?? null, value: m.value?.toString() ?? null }));
      if (producer) {
        await producer.sendBatch({ acks: -1, topicMessages: [{ topic: relayTopic, messages: values.map((v) => ({ key: v.key, value: v.value })) }] });
      }
      count += values.length;
      resolveOffset(batch.lastOffset());
      await commitOffsetsIfNecessary();
      await heartbeat();
      if (count >= expected) done();
    },
  });
  const timeout = setTimeout(() => done(), 120_000);
  await finished;
  clearTimeout(timeout);
  const seconds = (performance.now() - t0) / 1000;
  await consumer.disconnect();
  if (producer) await producer.disconnect();
  return { messages: count, seconds: round(seconds, 3), perSecond: Math.round(count / seconds) };
}

/**
 * Raw round trip: `n` sequential pings, each produced (acks -1) to `topic` and timed until a
 * consumer of another group receives it. The floor under any request/answer over this broker.
 */
export async function rawPing(kafka, topic, n, groupId) {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30000, heartbeatInterval: 1000, maxWaitTimeInMs: 1000 });
  const producer = evchargeProducer(kafka);
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  const waiting = new Map();
  let joined;
  const ready = new Promise((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) waiting.get(m.key?.toString())?.();
    },
  });
  await ready;
  await new Promise((r) => setTimeout(r, 1500));
  const samples = [];
  for (let i = 0; i < n; i++) {
    const key = `ping-${i}`;
    const got = new Promise((r) => waiting.set(key, r));
    const t0 = performance.now();
    await producer.send({ topic, acks: -1, messages: [{ key, value: 'x'.repeat(300) }] });
    await Promise.race([got, new Promise((r) => setTimeout(r, 5000))]);
    samples.push(performance.now() - t0);
    waiting.delete(key);
  }
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  return samples;
}
