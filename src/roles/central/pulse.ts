import type { Bus } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { RoleCounters } from '../shared/counters.js';
import { Outbox } from '../shared/outbox.js';

/**
 * Central's pulse: one tick per health partition, each sent on its own. With one publish for
 * all of them, a tick to a partition whose leader went silent held back every later tick until
 * its request timed out, and central judged every partition stalled (nothing decided about any
 * CP) where only one was. A tick whose previous one is still on its way is skipped, so a silent
 * partition costs one pending publish, not a growing queue.
 */
export class Pulse {
  private readonly lanes = new Map<number, Outbox>();
  private readonly busy = new Set<number>();

  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly counters: RoleCounters,
    private readonly instanceId: string,
  ) {}

  send(indexes: Iterable<number>): void {
    for (const index of indexes) {
      if (this.busy.has(index)) continue;
      let lane = this.lanes.get(index);
      if (!lane) {
        lane = new Outbox(this.bus, this.clock, 'central', this.counters, () => {}, { lane: 'pulse' });
        this.lanes.set(index, lane);
      }
      lane.add('central.tick', { index, instanceId: this.instanceId });
      this.busy.add(index);
      void lane.flush().finally(() => this.busy.delete(index));
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
