import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bus, BusStatus } from '../../src/bus/bus.js';
import { EmbeddedBus } from '../../src/bus/embedded-bus.js';
import { FakeClock } from '../../src/bus/fake-clock.js';
import type { RoleEvent } from '../../src/roles/shared/events.js';
import { RoleKit } from '../../src/roles/shared/role-kit.js';
import { SnapshotStore } from '../../src/roles/shared/store.js';

type Kind = 'hello' | 'publish-error' | 'malformed' | 'bus-status';

test('the role kit: events from the first moment, one publish-error per failing batch, malformed with or without the key, bus status redraws', async () => {
  const seen: RoleEvent<Kind>[] = [];
  let failures = 2;
  let statusListener: ((s: BusStatus) => void) | null = null;
  const inner = new EmbeddedBus();
  const bus: Bus = {
    ...inner,
    publish: async (records) => {
      if (failures-- > 0) throw new Error('broker away');
      return inner.publish(records);
    },
    status: () => ({ state: 'connected', brokers: ['x'] }),
    onStatus: (l) => ((statusListener = l), () => (statusListener = null)),
    subscribe: inner.subscribe.bind(inner),
    lead: inner.lead.bind(inner),
    close: inner.close.bind(inner),
  };
  const clock = new FakeClock();
  const kit = new RoleKit<Kind>({ bus, clock, onEvent: (e) => seen.push(e) });
  kit.events.emit('hello', 'hi');
  const out = kit.outbox('me');
  out.add('dead-letter', { topic: 'telemetry', key: null, partition: 0, offset: '1', reason: 'r', value: '', by: 'me' });
  const flushed = out.flush();
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
  await flushed;
  assert.equal(kit.counters.messagesOut, 1);
  assert.deepEqual(seen.map((e) => e.kind), ['hello', 'publish-error'], 'the failing batch is reported once, not per attempt');

  kit.malformedReporter()({ topic: 'telemetry', key: 'CP1', offset: '7' }, 'not-json');
  kit.malformedReporter({ withKey: true })({ topic: 'telemetry', key: 'CP1', offset: '7' }, 'not-json');
  assert.deepEqual(seen.slice(-2).map((e) => e.text), ['malformed record on telemetry: not-json', 'malformed record on telemetry (key CP1): not-json']);
  assert.equal(seen.at(-1)!.data['offset'], '7');

  let redraws = 0;
  const store = new SnapshotStore(() => ({}));
  store.subscribe(() => redraws++);
  const unwatch = kit.watchBus(store);
  statusListener!({ state: 'retrying', brokers: ['x'], detail: 'down' });
  assert.equal(seen.at(-1)!.kind, 'bus-status');
  assert.equal(redraws, 1);
  unwatch();
  assert.equal(statusListener, null);
  await inner.close();
});

// A role whose event kinds lack the kit's own does not compile.
// @ts-expect-error missingEventKinds
void (() => new RoleKit<'only-mine'>({ bus: new EmbeddedBus() }));
