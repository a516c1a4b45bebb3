import type { ReadableStore } from '../../roles/shared/store.js';

export interface ThrottleTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: ThrottleTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** At most ten renders a second. */
export const DEFAULT_FRAME_MS = 100;

/**
 * A ReadableStore that passes its source's changes on at most once per `intervalMs`: changes
 * arriving in between are folded into one flush by a timer, and the snapshot React sees only
 * moves at a flush. It subscribes to the source only while it has listeners of its own.
 */
export class ThrottledStore<T> implements ReadableStore<T> {
  private current: T | undefined;
  private hasCurrent = false;
  private readonly listeners = new Set<() => void>();
  private unsubscribeSource: (() => void) | null = null;
  private timer: unknown = null;
  private lastFlush = -Infinity;
  /** Flushes that told listeners (tests count them). */
  flushes = 0;

  constructor(
    private readonly source: ReadableStore<T>,
    private readonly intervalMs = DEFAULT_FRAME_MS,
    private readonly timers: ThrottleTimers = realTimers,
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
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.timers.now());
    this.timer = this.timers.setTimeout(this.flush, wait);
  };

  private readonly flush = (): void => {
    this.timer = null;
    this.lastFlush = this.timers.now();
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
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}

const shared = new WeakMap<ReadableStore<unknown>, ThrottledStore<unknown>>();

/** One throttled wrapper per source store, shared by every component reading it. */
export function throttled<T>(store: ReadableStore<T>): ThrottledStore<T> {
  if (store instanceof ThrottledStore) return store as ThrottledStore<T>;
  let wrapper = shared.get(store);
  if (!wrapper) {
    wrapper = new ThrottledStore<unknown>(store);
    shared.set(store, wrapper);
  }
  return wrapper as ThrottledStore<T>;
}
