import type { Clock } from './clock.js';

interface Timer {
  handle: number;
  due: number;
  /** Set for intervals: the period to re-arm with. */
  every: number | null;
  fn: () => void;
  /** Creation order: timers due at the same instant fire in the order they were set. */
  order: number;
}

/**
 * A Clock for tests: time stands still until `advance(ms)`, which fires every due timer in order
 * of due time (then creation), moving `now()` to each timer's due time as it fires.
 */
export class FakeClock implements Clock {
  private current: number;
  private readonly timers = new Map<number, Timer>();
  private nextHandle = 1;
  private nextOrder = 0;

  constructor(start = Date.UTC(2025, 0, 1, 8, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    return this.add(fn, ms, null);
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  setInterval(fn: () => void, ms: number): unknown {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearInterval(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.current = next.due;
      if (next.every === null) this.timers.delete(next.handle);
      else {
        next.due += next.every;
        next.order = this.nextOrder++;
      }
      next.fn();
    }
    this.current = target;
  }

  /** How many timers are armed (tests use it to check that close() stopped them). */
  pendingTimers(): number {
    return this.timers.size;
  }

  private add(fn: () => void, ms: number, every: number | null): number {
    const handle = this.nextHandle++;
    const delay = Math.max(0, Number.isFinite(ms) ? ms : 0);
    this.timers.set(handle, { handle, due: this.current + delay, every, fn, order: this.nextOrder++ });
    return handle;
  }

  private nextDue(limit: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) {
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.order < best.order)) best = t;
    }
    return best;
  }
}
