import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingRecord } from '../../src/bus/bus.js';
import { busConnections } from '../helpers/bus-connections.js';
import { isolatedConfig, uniqueTag } from '../helpers/kafka-env.js';

const config = isolatedConfig(uniqueTag(), { partitions: 3 });
const connect = busConnections(config);

/** Resolves once `seen()` holds, or fails after `ms` saying what it saw. */
async function until(what: string, seen: () => boolean, describe: () => string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!seen()) {
    if (Date.now() > end) throw new Error(`${what}: ${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const records = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ topic: 'cp-register-ack' as const, key: `CP${(from + i) % 12}`, value: JSON.stringify({ n: from + i }) }));

// A CP's acknowledgement reader (and the gateway's, the simulator's and central's audit reader)
// never commits: each process reads its group's partitions from where it joined. kafkajs starts
// a partition it is given again after a rebalance from the group's committed offset, and with
// none from the log's end, so every record written during the rejoin used to be skipped
// (the fuzz test's CP once missed 39 of a flood of records when its group's coordinator moved).
test('a never-committing reader skips nothing when its group rebalances mid-stream, and a new one gets everything written once it is ready', async () => {
  const { bus } = await connect();
  const group = `${config.groups.cp}-resume-${uniqueTag()}`;
  const mine = new Set<number>();
  const sub = await bus.subscribe({ group, topics: ['cp-register-ack'], commit: false }, async (rs: IncomingRecord[]) => {
    for (const r of rs) mine.add(JSON.parse(r.value!).n);
  });
  await sub.ready;
  await bus.publish(records(0, 60));
  await until('before the rebalance', () => mine.size === 60, () => `${mine.size} of 60`);

  // A second member takes some partitions for a while, then leaves them: both changes are
  // rebalances, and every record in between lands on partitions that come back to the reader.
  // The second member is new: it starts at the end of its partitions as they were when it
  // subscribed, so it gets every record written to them once it is ready.
  const theirs = new Set<number>();
  const { bus: other } = await connect();
  const intruder = await other.subscribe({ group, topics: ['cp-register-ack'], commit: false }, async (rs) => {
    for (const r of rs) theirs.add(JSON.parse(r.value!).n);
  });
  await intruder.ready;
  await bus.publish(records(60, 120));
  const between = () => [...Array(60).keys()].map((i) => i + 60).filter((n) => !mine.has(n) && !theirs.has(n));
  await until('while two members share the group', () => between().length === 0 && theirs.size > 0, () => `reader ${mine.size}, second member ${theirs.size}; nobody got ${between().join(',')}`);
  await intruder.close();
  await bus.publish(records(120, 180));

  await until(
    'after the second member left',
    () => mine.size === 180,
    () => `the reader has ${mine.size} of 180; missing ${[...Array(180).keys()].filter((n) => !mine.has(n)).join(',')}`,
  );
  await sub.close();
});
