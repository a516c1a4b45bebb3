import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { FakeClock } from '../../src/bus/fake-clock.js';
import { SnapshotStore } from '../../src/roles/shared/store.js';
import { ThrottledStore } from '../../src/screens/shared/throttled-store.js';
import { useRoleState } from '../../src/screens/shared/use-role-state.js';
import { tick, waitFor } from './helpers.js';

function counterStore() {
  let n = 0;
  const store = new SnapshotStore(() => ({ n }));
  return { store, bump: () => { n++; store.changed(); } };
}

describe('batched role stores', () => {
  it('folds a burst of changes into one flush and shows the latest snapshot', async () => {
    const { store, bump } = counterStore();
    const throttled = new ThrottledStore(store, 100);
    let calls = 0;
    const unsubscribe = throttled.subscribe(() => calls++);
    for (let i = 0; i < 1000; i++) bump();
    assert.equal(calls, 0, 'nothing is told synchronously');
    await waitFor(() => assert.equal(calls, 1));
    assert.equal(throttled.getSnapshot().n, 1000);
    unsubscribe();
  });

  it('tells listeners at most ~10 times a second under a steady stream of changes', async () => {
    const { store, bump } = counterStore();
    const throttled = new ThrottledStore(store, 100);
    let calls = 0;
    const unsubscribe = throttled.subscribe(() => calls++);
    const started = Date.now();
    let changes = 0;
    while (Date.now() - started < 500) {
      for (let i = 0; i < 50; i++, changes++) bump();
      await tick(2);
    }
    await tick(150);
    assert.ok(changes > 1000, `${changes} changes`);
    assert.ok(calls >= 3 && calls <= 8, `${calls} flushes for ${changes} changes in 0.5 s`);
    assert.equal(throttled.getSnapshot().n, changes);
    unsubscribe();
  });

  it('reads through while nobody listens, and stops its timer when the last listener leaves', async () => {
    const { store, bump } = counterStore();
    const throttled = new ThrottledStore(store, 100);
    bump();
    assert.equal(throttled.getSnapshot().n, 1);
    let calls = 0;
    const unsubscribe = throttled.subscribe(() => calls++);
    bump();
    unsubscribe();
    await tick(150);
    assert.equal(calls, 0);
    assert.equal(throttled.getSnapshot().n, 2);
  });

  it('measures its interval on the clock it is given, so a fake clock alone decides what is shown', async () => {
    const clock = new FakeClock();
    const { store, bump } = counterStore();
    const throttled = new ThrottledStore(store, 100, clock);
    let calls = 0;
    const unsubscribe = throttled.subscribe(() => calls++);
    bump();
    // After a quiet interval a change goes out on the next turn, without the clock moving.
    await waitFor(() => assert.equal(calls, 1));
    bump();
    bump();
    // Real time passing changes nothing: the next flush is due 100 ms later on the fake clock.
    await tick(150);
    assert.equal(calls, 1);
    assert.equal(throttled.getSnapshot().n, 1);
    clock.advance(99);
    assert.equal(calls, 1);
    clock.advance(1);
    assert.equal(calls, 2);
    assert.equal(throttled.getSnapshot().n, 3);
    bump();
    unsubscribe();
    assert.equal(clock.pendingTimers(), 0, 'the pending flush is cancelled with the last listener');
  });

  it('useRoleState renders a few frames for a thousand changes', async () => {
    const { store, bump } = counterStore();
    let renders = 0;
    function Probe() {
      const snap = useRoleState(store);
      renders++;
      return <Text>n={snap.n}</Text>;
    }
    const r = render(<Probe />);
    assert.equal(r.lastFrame(), 'n=0');
    const before = renders;
    for (let burst = 0; burst < 10; burst++) {
      for (let i = 0; i < 100; i++) bump();
      await tick(10);
    }
    await waitFor(() => assert.equal(r.lastFrame(), 'n=1000'));
    await tick(150);
    const extra = renders - before;
    assert.ok(extra >= 1 && extra <= 4, `${extra} renders for 1000 changes`);
    r.unmount();
  });
});
