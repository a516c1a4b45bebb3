import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingRecord } from '../../src/bus/bus.js';
import { busConnections } from '../helpers/bus-connections.js';
import { partitionOfKey } from '../../src/kafka/key-assigner.js';
import { isolatedConfig, uniqueTag } from '../helpers/kafka-env.js';

// A driver reads its answers with `onlyKey`: its group is assigned only the partition its key
// lands on. That is only right if it is the partition the producers put the key's records on.
const config = isolatedConfig(uniqueTag(), { partitions: 3 });
const connect = busConnections(config);

const keys = Array.from({ length: 24 }, (_, i) => `DRIVER${String(i + 1).padStart(3, '0')}`);

test('every key lands on the partition partitionOfKey names, as the bus publishes it', async () => {
  const { bus } = await connect();
  const got: IncomingRecord[] = [];
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const sub = await bus.subscribe({ group: `${config.groups.central}-keys`, topics: ['auth-response'], fromBeginning: true }, async (records) => {
    got.push(...records);
    if (got.length >= keys.length) done();
  });
  await sub.ready;
  await bus.publish(keys.map((key) => ({ topic: 'auth-response' as const, key, value: JSON.stringify({ key }) })));
  await all;
  const partitions = new Set(got.map((r) => r.partition));
  assert.equal(partitions.size, 3, 'the keys spread over all three partitions');
  for (const r of got) assert.equal(r.partition, partitionOfKey(r.key!, 3), r.key!);
  await sub.close();
});

test('a subscription with onlyKey is assigned that key’s partition alone: it gets its key’s records and never another partition’s', async () => {
  const { bus } = await connect();
  const me = 'DRIVER007';
  const mine = partitionOfKey(me, 3);
  const got: IncomingRecord[] = [];
  let done!: () => void;
  const ownArrived = new Promise<void>((r) => (done = r));
  const sub = await bus.subscribe({ group: `${config.groups.central}-only`, topics: ['driver-updates', 'auth-response'], fromBeginning: true, onlyKey: me }, async (records) => {
    got.push(...records);
    if (got.filter((r) => r.key === me && 'n' in JSON.parse(r.value!)).length >= 4) done();
  });
  await sub.ready;
  await bus.publish(['driver-updates', 'auth-response'].flatMap((topic) => keys.flatMap((key) => [1, 2].map((n) => ({ topic: topic as 'driver-updates', key, value: JSON.stringify({ key, n }) })))));
  await ownArrived;
  assert.deepEqual([...new Set(got.map((r) => r.partition))], [mine], 'only its own partition was read');
  // (The first test's record for this key on auth-response comes too: the group reads from the start.)
  assert.equal(got.filter((r) => r.key === me && 'n' in JSON.parse(r.value!)).length, 4, 'both records of each topic for this key');
  const others = keys.filter((k) => k !== me && partitionOfKey(k, 3) === mine);
  assert.ok(got.every((r) => r.key === me || others.includes(r.key!)), 'anything else is of a key sharing the partition');
  await sub.close();
});
