import type { Clock } from '../../bus/clock.js';

/**
 * Promises waiting for an answer keyed by id (a request id, a session id). `settle` resolves the
 * waiter; if nothing arrives within the timeout the fallback value is resolved instead, so a
 * missing answer is a result, never a hang.
 */
export class Waiters<T> {
  private readonly waiting = new Map<string, { resolve: (v: T) => void; timer: unknown }[]>();

  constructor(private readonly clock: Clock) {}

  wait(key: string, timeoutMs: number | null, onTimeout: () => T): Promise<T> {
    return new Promise<T>((resolve) => {
      const entry = { resolve, timer: null as unknown };
      if (timeoutMs !== null) {
        entry.timer = this.clock.setTimeout(() => {
          this.remove(key, entry);
          resolve(onTimeout());
        }, timeoutMs);
      }
      const list = this.waiting.get(key) ?? [];
      list.push(entry);
      this.waiting.set(key, list);
    });
  }

  has(key: string): boolean {
    return this.waiting.has(key);
  }

  settle(key: string, value: T): boolean {
    const list = this.waiting.get(key);
    if (!list) return false;
    this.waiting.delete(key);
    for (const entry of list) {
      if (entry.timer !== null) this.clock.clearTimeout(entry.timer);
      entry.resolve(value);
    }
    return true;
  }

  /** Resolves every waiter with `value(key)` (used on close). */
  settleAll(value: (key: string) => T): void {
    for (const key of [...this.waiting.keys()]) this.settle(key, value(key));
  }

  private remove(key: string, entry: { resolve: (v: T) => void; timer: unknown }): void {
    const list = this.waiting.get(key)?.filter((e) => e !== entry);
    if (!list || list.length === 0) this.waiting.delete(key);
    else this.waiting.set(key, list);
  }
}
