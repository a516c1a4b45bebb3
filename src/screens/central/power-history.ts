import type { CpView } from '../../roles/central/index.js';

interface Series {
  /** kW per second, a ring indexed by `second % size`. */
  ring: Float64Array;
  /** The latest second written. */
  lastSec: number;
  lastKw: number;
}

/**
 * Each CP's power over the last `seconds` seconds, one value per second, kept outside React and
 * fed from store snapshots. Seconds with no new value carry the previous one forward.
 */
export class PowerHistory {
  private readonly series = new Map<string, Series>();

  constructor(readonly seconds = 60) {}

  observe(cps: readonly CpView[], now: number): void {
    const sec = Math.floor(now / 1000);
    for (const cp of cps) this.record(cp.id, cp.state === 'CHARGING' && cp.supply ? cp.supply.kw : 0, sec);
  }

  private record(id: string, kw: number, sec: number): void {
    let s = this.series.get(id);
    if (!s) {
      s = { ring: new Float64Array(this.seconds), lastSec: sec, lastKw: kw };
      this.series.set(id, s);
    }
    if (sec < s.lastSec) return; // the clock went backwards: ignore
    // Fill the seconds skipped since the last value with that value (at most a full window).
    for (let t = Math.max(s.lastSec + 1, sec - this.seconds + 1); t < sec; t++) s.ring[t % this.seconds] = s.lastKw;
    s.ring[sec % this.seconds] = kw;
    s.lastSec = sec;
    s.lastKw = kw;
  }

  /** `seconds` values for the window ending at `now`, oldest first (0 before anything was seen). */
  window(id: string, now: number): number[] {
    const out = new Array<number>(this.seconds).fill(0);
    const s = this.series.get(id);
    if (!s) return out;
    const sec = Math.floor(now / 1000);
    for (let i = 0; i < this.seconds; i++) {
      const t = sec - this.seconds + 1 + i;
      if (t > s.lastSec) out[i] = s.lastKw;
      else if (t > s.lastSec - this.seconds) out[i] = s.ring[t % this.seconds] ?? 0;
    }
    return out;
  }

  forget(id: string): void {
    this.series.delete(id);
  }
}
