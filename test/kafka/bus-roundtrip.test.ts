import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingRecord } from '../../src/bus/bus.js';
import { busConnections } from '../helpers/bus-connections.js';
import { isolatedConfig, uniqueTag } from '../helpers/kafka-env.js';

const config = isolatedConfig(uniqueTag(), { partitions: 3 });
const connect = busConnections(config);

/** Collects records until `count` have arrived, or fails after `ms`. */
function collector(count: number, ms = 20000) {
  const got: IncomingRecord[] = [];
  let done: () => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    setTimeout(() => reject(new Error(`only ${got.length}/${count} records arrived`)), ms).unref();
  });
  const handler = async (records: IncomingRecord[]) => {
    got.push(...records);
    if (got.length >= count) done();
  };
  return { got, finished, handler };
}

test('JSON records published on the bus come back in order per key, with key and topic', async () => {
  const { bus } = await connect();
  const c = collector(30);
  const sub = await bus.subscribe({ group: `${config.groups.central}-rt`, topics: ['telemetry'], fromBeginning: true }, c.handler);
  await sub.ready;
  const records = Array.from({ length: 30 }, (_, i) => ({
    topic: 'telemetry' as const,
    key: `CP00${i % 3}`,
    value: JSON.stringify({ seq: Math.floor(i / 3), cp: `CP00${i % 3}`, kwh: i / 10 }),
  }));
  await bus.publish(records);
  await c.finished;
  assert.equal(c.got.length, 30);
  for (const cp of ['CP000', 'CP001', 'CP002']) {
    const mine = c.got.filter((r) => r.key === cp).map((r) => JSON.parse(r.value!));
    assert.deepEqual(mine.map((m) => m.seq), [...Array(10).keys()], `in order for ${cp}`);
    assert.ok(mine.every((m) => m.cp === cp));
  }
  assert.ok(c.got.every((r) => r.topic === 'telemetry' && r.timestamp > 0));
  await sub.close();
});

test('a committing group resumes after what it applied; a non-committing group re-reads everything', async () => {
  const { bus } = await connect();
  await bus.publish([{ topic: 'health', key: 'CP1', value: '{"n":1}' }]);

  const group = `${config.groups.central}-commit`;
  const first = collector(1);
  const s1 = await bus.subscribe({ group, topics: ['health'], fromBeginning: true }, first.handler);
  await first.finished;
  await s1.close();

  const replay = collector(1);
  const r1 = await bus.subscribe({ group: `${group}-state`, topics: ['health'], fromBeginning: true, commit: false }, replay.handler);
  await replay.finished;
  await r1.close();

  await bus.publish([{ topic: 'health', key: 'CP1', value: '{"n":2}' }]);
  const second = collector(1);
  const s2 = await bus.subscribe({ group, topics: ['health'], fromBeginning: true }, second.handler);
  await second.finished;
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(second.got.map((r) => r.value), ['{"n":2}'], 'the committed record is not delivered again');
  await s2.close();

  const replayAgain = collector(2);
  const r2 = await bus.subscribe({ group: `${group}-state`, topics: ['health'], fromBeginning: true, commit: false }, replayAgain.handler);
  await replayAgain.finished;
  assert.deepEqual(replayAgain.got.map((r) => r.value), ['{"n":1}', '{"n":2}']);
  await r2.close();
});

test('close leaves the group at once, so the next member joins without waiting out the session', async () => {
  const { bus } = await connect();
  const group = `${config.groups.central}-rejoin`;
  const s1 = await bus.subscribe({ group, topics: ['cp-commands'] }, async () => {});
  await s1.ready;
  await s1.close();
  const started = Date.now();
  const s2 = await bus.subscribe({ group, topics: ['cp-commands'] }, async () => {});
  await s2.ready;
  // The session timeout is 10 s; a member that never left would hold the partitions that long.
  assert.ok(Date.now() - started < 8000, `rejoin took ${Date.now() - started} ms`);
  await s2.close();
});
