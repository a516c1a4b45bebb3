import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncomingRecord } from '../../src/bus/bus.js';
import { EmbeddedBus } from '../../src/bus/embedded-bus.js';
import { FakeClock } from '../../src/bus/fake-clock.js';

const rec = (key: string, value: string) => ({ topic: 'telemetry' as const, key, value });

function collector() {
  const seen: IncomingRecord[] = [];
  const batches: number[] = [];
  return {
    seen,
    batches,
    values: () => seen.map((r) => r.value),
    handler: async (records: IncomingRecord[]) => {
      batches.push(records.length);
      seen.push(...records);
    },
  };
}

test('fromBeginning reads the log; otherwise only records published after joining', async () => {
  const bus = new EmbeddedBus();
  await bus.publish([rec('A', '1'), rec('A', '2')]);
  const old = collector();
  const fresh = collector();
  await bus.subscribe({ group: 'g-old', topics: ['telemetry'], fromBeginning: true }, old.handler);
  await bus.subscribe({ group: 'g-new', topics: ['telemetry'] }, fresh.handler);
  await bus.publish([rec('A', '3')]);
  await bus.idle();
  assert.deepEqual(old.values(), ['1', '2', '3']);
  assert.deepEqual(fresh.values(), ['3']);
});

test('every group gets every record, in publish order, asynchronously, with timestamps', async () => {
  const clock = new FakeClock(5000);
  const bus = new EmbeddedBus({ clock });
  const a = collector();
  const b = collector();
  await bus.subscribe({ group: 'a', topics: ['telemetry', 'health'] }, a.handler);
  await bus.subscribe({ group: 'b', topics: ['telemetry'] }, b.handler);
  await bus.publish([rec('K', '1'), { topic: 'health', key: 'K', value: 'h' }, rec('K', '2')]);
  assert.equal(a.seen.length, 0, 'delivery is not synchronous with publish');
  await bus.idle();
  assert.deepEqual(a.values(), ['1', 'h', '2']);
  assert.deepEqual(b.values(), ['1', '2']);
  assert.equal(a.seen[0]!.timestamp, 5000);
  assert.deepEqual(a.seen.map((r) => r.offset), ['0', '0', '1']);
});

test('a group resumes after its committed offset; a non-committing group re-reads everything', async () => {
  const bus = new EmbeddedBus();
  const first = collector();
  const sub = await bus.subscribe({ group: 'g', topics: ['telemetry'], fromBeginning: true }, first.handler);
  const state1 = collector();
  const stateSub = await bus.subscribe({ group: 's', topics: ['telemetry'], fromBeginning: true, commit: false }, state1.handler);
  await bus.publish([rec('A', '1'), rec('A', '2')]);
  await bus.idle();
  await sub.close();
  await stateSub.close();
  await bus.publish([rec('A', '3')]);
  const second = collector();
  await bus.subscribe({ group: 'g', topics: ['telemetry'], fromBeginning: true }, second.handler);
  const state2 = collector();
  await bus.subscribe({ group: 's', topics: ['telemetry'], fromBeginning: true, commit: false }, state2.handler);
  await bus.idle();
  assert.deepEqual(second.values(), ['3']);
  assert.deepEqual(state2.values(), ['1', '2', '3']);
});

test('offsets are committed only after the handler resolves: a failed batch is redelivered', async () => {
  const errors: unknown[] = [];
  const bus = new EmbeddedBus({ retryDelayMs: 1, onHandlerError: (e) => errors.push(e) });
  const seen: string[] = [];
  let failures = 1;
  await bus.subscribe({ group: 'g', topics: ['telemetry'] }, async (records) => {
    if (failures-- > 0) throw new Error('boom');
    seen.push(...records.map((r) => r.value ?? ''));
  });
  await bus.publish([rec('A', '1'), rec('A', '2')]);
  await new Promise((r) => setTimeout(r, 20));
  await bus.idle();
  assert.deepEqual(seen, ['1', '2']);
  assert.equal(errors.length, 1);
});

test('a second member of a group takes over from the committed offset when the first leaves', async () => {
  const bus = new EmbeddedBus();
  const one = collector();
  const two = collector();
  const s1 = await bus.subscribe({ group: 'g', topics: ['telemetry'] }, one.handler);
  await bus.subscribe({ group: 'g', topics: ['telemetry'] }, two.handler);
  await bus.publish([rec('A', '1')]);
  await bus.idle();
  await s1.close();
  await bus.publish([rec('A', '2')]);
  await bus.idle();
  assert.deepEqual(one.values(), ['1']);
  assert.deepEqual(two.values(), ['2']);
});

test('batches are bounded and keep order', async () => {
  const bus = new EmbeddedBus({ maxBatch: 10 });
  const c = collector();
  await bus.subscribe({ group: 'g', topics: ['telemetry'], fromBeginning: true }, c.handler);
  await bus.publish(Array.from({ length: 25 }, (_, i) => rec(`K${i % 3}`, String(i))));
  await bus.idle();
  assert.deepEqual(c.batches, [10, 10, 5]);
  assert.deepEqual(c.values(), Array.from({ length: 25 }, (_, i) => String(i)));
});

test('the compacted cp-state topic keeps the latest record per key', async () => {
  const bus = new EmbeddedBus();
  for (let i = 0; i < 3000; i++) await bus.publish([{ topic: 'cp-state', key: `CP${i % 3}`, value: String(i) }]);
  const c = collector();
  await bus.subscribe({ group: 'g', topics: ['cp-state'], fromBeginning: true, commit: false }, c.handler);
  await bus.idle();
  const latest = new Map(c.seen.map((r) => [r.key, r.value]));
  assert.deepEqual(Object.fromEntries(latest), { CP0: '2997', CP1: '2998', CP2: '2999' });
  assert.ok(c.seen.length < 3000, 'superseded records were dropped');
});

test('status is connected to "embedded"; close is idempotent and reported', async () => {
  const bus = new EmbeddedBus();
  assert.deepEqual(bus.status(), { state: 'connected', brokers: ['embedded'] });
  const states: string[] = [];
  bus.onStatus((s) => states.push(s.state));
  await bus.close();
  await bus.close();
  assert.deepEqual(states, ['closed']);
  await assert.rejects(bus.publish([rec('A', '1')]), /closed/);
});

test('the fake clock fires due timers in order and only when advanced', () => {
  const clock = new FakeClock(0);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push(`t300@${clock.now()}`), 300);
  const iv = clock.setInterval(() => fired.push(`i@${clock.now()}`), 200);
  const gone = clock.setTimeout(() => fired.push('never'), 100);
  clock.clearTimeout(gone);
  assert.deepEqual(fired, []);
  clock.advance(450);
  assert.deepEqual(fired, ['i@200', 't300@300', 'i@400']);
  assert.equal(clock.now(), 450);
  clock.clearInterval(iv);
  clock.advance(1000);
  assert.equal(fired.length, 3);
  assert.equal(clock.pendingTimers(), 0);
});
