import { systemClock, type Clock } from '../../bus/clock.js';
import type { ReadableStore } from '../../roles/shared/store.js';

/** What the throttle needs of a clock: the screen's clock (a fake one in tests). */
export type ThrottleTimers = Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;

/** At most ten renders a second. */
export const DEFAULT_FRAME_MS = 100;

type Pending = { kind: 'clock'; handle: unknown } | { kind: 'soon'; handle: NodeJS.Immediate };

/**
 * A ReadableStore that passes its source's changes on at most once per `intervalMs` of the given
 * clock: changes arriving in between are folded into one flush, and the snapshot React sees only
 * moves at a flush. It subscribes to the source only while it has listeners of its own.
 *
 * The interval is measured on the screen's clock, so under a test's fake clock which snapshots
 * reach the screen depends on fake time only, not on how fast the machine ran the test. A change
 * after a quiet interval is flushed on the next turn of the event loop (setImmediate, not a clock
 * timer: that would wait for a fake clock to be advanced), so a synchronous burst is still one flush.
 */
export class ThrottledStore<T> implements ReadableStore<T> {
  private current: T | undefined;
  private hasCurrent = false;
  private readonly listeners = new Set<() => void>();
  private unsubscribeSource: (() => void) | null = null;
  private pending: Pending | null = null;
  private lastFlush = -Infinity;
  /** Flushes that told listeners (tests count them). */
  flushes = 0;

  constructor(
    private readonly source: ReadableStore<T>,
    private readonly intervalMs = DEFAULT_FRAME_MS,
    private readonly clock: ThrottleTimers = systemClock,
  ) {}

  getSnapshot = (): T => {
    // Unsubscribed (first render, or nobody listening), there is nothing to batch: read through.
    if (!this.hasCurrent || this.unsubscribeSource === null) {
      this.current = this.source.getSnapshot();
      this.hasCurrent = true;
    }
    return this.current as T;
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (!this.unsubscribeSource) {
      this.unsubscribeSource = this.source.subscribe(this.onSourceChange);
      // Something may have changed while nobody listened.
      if (this.hasCurrent && this.source.getSnapshot() !== this.current) this.onSourceChange();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  };

  private readonly onSourceChange = (): void => {
    if (this.pending !== null) return;
    const wait = this.lastFlush + this.intervalMs - this.clock.now();
    this.pending = wait > 0 ? { kind: 'clock', handle: this.clock.setTimeout(this.flush, wait) } : { kind: 'soon', handle: setImmediate(this.flush) };
  };

  private readonly flush = (): void => {
    this.pending = null;
    this.lastFlush = this.clock.now();
    const next = this.source.getSnapshot();
    if (this.hasCurrent && next === this.current) return;
    this.current = next;
    this.hasCurrent = true;
    this.flushes++;
    for (const listener of [...this.listeners]) listener();
  };

  private stop(): void {
    this.unsubscribeSource?.();
    this.unsubscribeSource = null;
    if (this.pending?.kind === 'clock') this.clock.clearTimeout(this.pending.handle);
    if (this.pending?.kind === 'soon') clearImmediate(this.pending.handle);
    this.pending = null;
  }
}

const shared = new WeakMap<ThrottleTimers, WeakMap<ReadableStore<unknown>, ThrottledStore<unknown>>>();

/** One throttled wrapper per source store and clock, shared by every component reading it. */
export function throttled<T>(store: ReadableStore<T>, clock: ThrottleTimers = systemClock): ThrottledStore<T> {
  if (store instanceof ThrottledStore) return store as ThrottledStore<T>;
  let byStore = shared.get(clock);
  if (!byStore) {
    byStore = new WeakMap();
    shared.set(clock, byStore);
  }
  let wrapper = byStore.get(store);
  if (!wrapper) {
    wrapper = new ThrottledStore<unknown>(store, DEFAULT_FRAME_MS, clock);
    byStore.set(store, wrapper);
  }
  return wrapper as ThrottledStore<T>;
}
