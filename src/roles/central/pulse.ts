import type { Bus } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { RoleCounters } from '../shared/counters.js';
import { Outbox } from '../shared/outbox.js';

/**
 * Central's pulse: one tick per health partition, each sent on its own (the keys still being
 * learned go together). With one publish for all of them, a tick to a partition whose leader went
 * silent held back every later tick until its request timed out, and central judged every
 * partition stalled (nothing decided about any CP) where only one was. While a partition's publish
 * is on its way, its next tick waits queued (one at most) and goes as soon as that one is done:
 * skipping it instead made a publish a little over a second long tick every 2 s, a gap just over
 * the stall threshold each time, so the partition counted as "flowing again" for ever and its
 * silent CPs were never judged.
 */
export class Pulse {
  private readonly lanes = new Map<string, Outbox>();

  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly counters: RoleCounters,
    private readonly instanceId: string,
  ) {}

  /** Each group of tick key indexes goes out as one publish of its own. */
  send(groups: number[][]): void {
    for (const group of groups) {
      const key = group.join(',');
      let lane = this.lanes.get(key);
      if (group.length === 0 || (lane && lane.pending > 0)) continue;
      if (!lane) {
        lane = new Outbox(this.bus, this.clock, 'central', this.counters, () => {}, { lane: 'pulse' });
        this.lanes.set(key, lane);
      }
      for (const index of group) lane.add('central.tick', { index, instanceId: this.instanceId });
      void lane.flush();
    }
  }

  /** Ticks waiting for an earlier publish of theirs (for tests). */
  get queued(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.pending;
    return n;
  }

  close(): void {
    for (const lane of this.lanes.values()) lane.close();
  }
}
