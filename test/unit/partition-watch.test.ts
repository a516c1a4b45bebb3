import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PartitionWatch } from '../../src/roles/central/partition-watch.js';

test('a partition is stalled only once its ticks stop coming back; one never ticked is judged as usual', () => {
  const w = new PartitionWatch(2000);
  assert.equal(w.stalled(0, 0), false, 'nothing known: no protection');
  w.tick(0, 5, 1000);
  w.tick(1, 9, 1000);
  assert.equal(w.stalled(0, 2500), false);
  w.tick(1, 9, 2600);
  assert.equal(w.stalled(0, 3100), true, 'partition 0 silent for 2.1 s');
  assert.equal(w.stalled(1, 3100), false, 'partition 1 still flowing');
  assert.equal(w.stalled(7, 3100), false, 'a partition never ticked');
  assert.equal(w.stalled(undefined, 3100), false, 'unknown partition: stalled only if all are');
  assert.equal(w.stalled(undefined, 5000), true, 'everything silent: a whole-cluster outage');
});

test('tick keys: the whole set while learning and every 30th tick, else one known key per partition, each sent alone', () => {
  const w = new PartitionWatch(2000, 8);
  assert.deepEqual(w.nextTicks(), [[0, 1, 2, 3, 4, 5, 6, 7]]);
  w.tick(0, 3, 0);
  w.tick(1, 6, 0);
  w.tick(0, 1, 0);
  const sent = Array.from({ length: 30 }, () => w.nextTicks());
  const learning = sent.filter((s) => s.length === 3);
  assert.equal(learning.length, 1, 'one full round in thirty to find new partitions');
  assert.deepEqual(learning[0], [[3], [6], [0, 1, 2, 4, 5, 7]], 'the known keys alone, the others together');
  for (const s of sent.filter((s) => s.length !== 3)) assert.deepEqual(s, [[3], [6]], 'else the first key seen on each partition');
});

test('a partition that stalled counts as heard from when its ticks came back, so its CPs get a full timeout', () => {
  const w = new PartitionWatch(2000);
  w.tick(0, 1, 1000);
  w.tick(1, 2, 1000);
  w.tick(0, 1, 2000);
  assert.equal(w.flowingSince(0), undefined, 'never stalled: nothing to add');
  w.tick(0, 1, 9000); // seven seconds of failover on partition 0
  w.tick(1, 2, 2900); // partition 1 only 1.9 s late: not a stall
  assert.equal(w.flowingSince(0), 9000);
  assert.equal(w.flowingSince(1), undefined);
  assert.equal(w.flowingSince(undefined), 9000, 'a CP never heard: the latest return of any partition');
  w.tick(0, 1, 10000);
  assert.equal(w.flowingSince(0), 9000, 'regular ticks after the return keep the time it returned');
});

test('with the partition count known, a CP not heard from is not judged until every partition has ticked', () => {
  const w = new PartitionWatch(2000, 64, 3);
  w.tick(0, 1, 1000);
  w.tick(1, 2, 1000);
  assert.equal(w.stalled(undefined, 1500), true, 'partition 2 has not ticked: its CPs may be the silent ones');
  assert.equal(w.stalled(1, 1500), false, 'a CP known to be on a flowing partition is judged');
  w.tick(2, 3, 4000); // its leader moved; ticks come back
  assert.equal(w.stalled(undefined, 4100), false, 'every partition flows: judged as usual');
  const renewed = w.renewed();
  assert.equal(renewed.partitionCount, 3);
  renewed.tick(0, 1, 5000);
  assert.equal(renewed.stalled(undefined, 5000), true, 'a new term knows no partition yet');
  renewed.tick(0, 1, 35_000);
  assert.equal(renewed.stalled(undefined, 35_000), false, 'at most 30 s: a partition that never ticks does not shield its CPs for ever');
  assert.equal(new PartitionWatch(2000).stalled(undefined, 0), false, 'count unknown: as before');
});

test('lastTick tells when a partition last flowed', () => {
  const w = new PartitionWatch(2000);
  assert.equal(w.lastTick(0), undefined);
  w.tick(0, 1, 1000);
  w.tick(0, 1, 2000);
  assert.equal(w.lastTick(0), 2000);
});
