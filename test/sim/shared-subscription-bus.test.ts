import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedBus } from '../../src/bus/embedded-bus.js';
import type { Bus, IncomingRecord, OutgoingRecord } from '../../src/bus/bus.js';
import { SharedSubscriptionBus } from '../../src/bus/shared-subscription-bus.js';

const rec = (topic: OutgoingRecord['topic'], key: string, value: string): OutgoingRecord => ({ topic, key, value });

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('one real subscription serves every virtual one, each role gets only its own key, in order', async () => {
  const real = new EmbeddedBus();
  let realSubscribes = 0;
  const counting: Bus = Object.assign(Object.create(real) as Bus, {
    subscribe: (o: Parameters<Bus['subscribe']>[0], h: Parameters<Bus['subscribe']>[1]) => {
      realSubscribes++;
      return real.subscribe(o, h);
    },
  });
  const shared = new SharedSubscriptionBus(counting, { group: 'sim', routedTopics: ['cp-commands', 'auth-response'], mutedTopics: ['cp-state'] });
  await shared.start();
  const got = new Map<string, string[]>();
  for (const id of ['A', 'B', 'C']) {
    const view = shared.view(id);
    const sub = await view.subscribe({ group: `cp-${id}-group`, topics: ['cp-commands', 'auth-response'] }, async (records: IncomingRecord[]) => {
      for (const r of records) got.set(id, [...(got.get(id) ?? []), `${r.topic}:${r.value}`]);
    });
    await sub.ready;
  }
  // A muted topic: ready at once, never delivers.
  let muted = 0;
  await shared.view('A').subscribe({ group: 'state', topics: ['cp-state'], fromBeginning: true, commit: false }, async (r) => void (muted += r.length));

  await real.publish([rec('cp-commands', 'A', '1'), rec('cp-commands', 'B', '2'), rec('auth-response', 'A', '3'), rec('cp-commands', 'Z', 'nobody'), rec('cp-state', 'A', 's')]);
  await real.publish([rec('cp-commands', 'A', '4')]);
  await until(() => (got.get('A')?.length ?? 0) === 3, 'A to get three records');
  await real.idle();
  assert.equal(realSubscribes, 1, 'one real subscription for the whole process');
  assert.deepEqual(got.get('A'), ['cp-commands:1', 'auth-response:3', 'cp-commands:4']);
  assert.deepEqual(got.get('B'), ['cp-commands:2']);
  assert.equal(got.get('C'), undefined);
  assert.equal(muted, 0);
  assert.equal(shared.stats.unrouted, 1);
  assert.equal(shared.stats.virtualSubscriptions, 4);

  await shared.view('B').close(); // closes nothing of B's: views own only their own subscriptions
  await shared.close();
  await real.close();
});

test('publishes from many roles in one turn become one real publish, in call order', async () => {
  const real = new EmbeddedBus();
  const publishes: OutgoingRecord[][] = [];
  const recording: Bus = Object.assign(Object.create(real) as Bus, {
    publish: async (records: OutgoingRecord[]) => {
      publishes.push(records);
      await real.publish(records);
    },
  });
  const shared = new SharedSubscriptionBus(recording, { group: 'sim', routedTopics: ['cp-commands'] });
  await Promise.all(Array.from({ length: 50 }, (_, i) => shared.view(`CP${i}`).publish([rec('health', `CP${i}`, `hb${i}`)])));
  assert.equal(publishes.length, 1);
  assert.deepEqual(publishes[0]!.map((r) => r.value), Array.from({ length: 50 }, (_, i) => `hb${i}`));
  assert.equal(shared.stats.publishedRecords, 50);
  await shared.close();
  await real.close();
});

test('a closed virtual subscription gets nothing more; the other roles go on', async () => {
  const real = new EmbeddedBus();
  const shared = new SharedSubscriptionBus(real, { group: 'sim', routedTopics: ['cp-commands'] });
  await shared.start();
  const seen: string[] = [];
  const a = await shared.view('A').subscribe({ group: 'a', topics: ['cp-commands'] }, async (r) => void seen.push(...r.map((x) => `A${x.value}`)));
  await shared.view('B').subscribe({ group: 'b', topics: ['cp-commands'] }, async (r) => void seen.push(...r.map((x) => `B${x.value}`)));
  await a.close();
  await real.publish([rec('cp-commands', 'A', '1'), rec('cp-commands', 'B', '2')]);
  await until(() => seen.length === 1, 'B to get its record');
  await real.idle();
  assert.deepEqual(seen, ['B2']);
  await assert.rejects(shared.view('A').subscribe({ group: 'x', topics: ['health'] }, async () => {}), /neither routed nor muted/);
  await shared.close();
  await real.close();
});
