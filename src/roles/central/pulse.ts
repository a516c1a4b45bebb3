import type { Bus } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { RoleCounters } from '../shared/counters.js';
import { Outbox } from '../shared/outbox.js';

/**
 * Central's pulse: one tick per health partition, each sent on its own (the keys still being
 * learned go together). With one publish for
 * all of them, a tick to a partition whose leader went silent held back every later tick until
 * its request timed out, and central judged every partition stalled (nothing decided about any
 * CP) where only one was. A tick whose previous one is still on its way is skipped, so a silent
 * partition costs one pending publish, not a growing queue.
 */
export class Pulse {
  private readonly lanes = new Map<string, Outbox>();
  private readonly busy = new Set<string>();

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
      if (group.length === 0 || this.busy.has(key)) continue;
      let lane = this.lanes.get(key);
      if (!lane) {
        lane = new Outbox(this.bus, this.clock, 'central', this.counters, () => {}, { lane: 'pulse' });
        this.lanes.set(key, lane);
      }
      for (const index of group) lane.add('central.tick', { index, instanceId: this.instanceId });
      this.busy.add(key);
      void lane.flush().finally(() => {
        this.busy.delete(key);
        // A learning round's set of keys changes as partitions become known: not kept.
        if (group.length > 1) this.lanes.delete(key);
      });
    }
  }

  /** Ticks on their way now (for tests). */
  get inFlight(): number {
    return this.busy.size;
  }

  close(): void {
    for (const lane of this.lanes.values()) lane.close();
  }
}
