import type { Bus, Subscription } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { CpRecord, PayloadOf } from '../../protocol/index.js';
import type { Inbox } from '../shared/inbox.js';
import { readStateBatch } from '../shared/tombstones.js';

export type ActiveCentral = PayloadOf<'central.active'>;

/**
 * Central's reading of cp-state, from the beginning and for as long as central runs (a group of
 * this process only, never committing). It is the standby's warm copy of the network (every CP,
 * open supply and total, as the active central last committed them: the consumers read committed
 * records only) and of who the active central is; a central that takes over starts from it.
 *
 * The Bus has no "end of topic" call, so a central that needs to know it has read everything
 * (taking over) writes sync markers, one per key of a few dozen keys (they hash onto every
 * partition), and waits to read all of them back.
 */
export class StateTail {
  /** The latest committed state of each CP. */
  readonly records = new Map<string, CpRecord>();
  /** The latest announcement of an active central, if any. */
  active: ActiveCentral | null = null;
  private subscription: Subscription | null = null;
  /** The highest offset read on each partition of cp-state. */
  private readonly readUpTo = new Map<number, bigint>();
  private readonly waits = new Set<{ nonce: string; seen: Set<number>; count: number; done: (complete: boolean) => void }>();

  constructor(
    private readonly options: {
      bus: Bus;
      clock: Clock;
      group: string;
      /** Its group's session: central's takeover timeout, so a central back from an outage reads again without waiting out a long one. */
      sessionTimeoutMs?: number;
      inbox: Inbox;
      /** A CP's committed state changed. */
      onRecord: (record: CpRecord) => void;
      /** A CP was forgotten (its tombstone was committed). */
      onForgotten: (cpId: string) => void;
      /** Another (or this) central announced itself as the active one. */
      onActive: (active: ActiveCentral) => void;
      /** After each batch (the active central flushes the dead-letter copies it made). */
      afterBatch: () => void;
    },
  ) {}

  async start(): Promise<void> {
    const { bus, inbox } = this.options;
    this.subscription = await bus.subscribe({ group: this.options.group, topics: ['cp-state'], fromBeginning: true, commit: false, sessionTimeoutMs: this.options.sessionTimeoutMs, sessionSettingKey: 'central.takeover_timeout_ms' }, async (records) => {
      // The group never commits, so a rejoin (a lapsed session under load, a failover) reads the
      // topic from the beginning again: skip what was read already, or every malformed record
      // on it would be copied to dead-letter once more.
      const batch = records.filter((r) => {
        const offset = BigInt(r.offset);
        if (offset <= (this.readUpTo.get(r.partition) ?? -1n)) return false;
        this.readUpTo.set(r.partition, offset);
        return true;
      });
      if (batch.length === 0) return;
      readStateBatch(batch, inbox, (message) => {
        if (message.type === 'cp.state') {
          this.records.set(message.payload.id, message.payload);
          this.options.onRecord(message.payload);
        } else if (message.type === 'central.active') {
          this.active = message.payload;
          this.options.onActive(message.payload);
        } else if (message.type === 'state.sync-marker') {
          for (const w of this.waits) {
            if (w.nonce !== message.payload.nonce) continue;
            w.seen.add(message.payload.index);
            if (w.seen.size >= w.count) w.done(true);
          }
        }
      }, (cpId) => {
        this.records.delete(cpId);
        this.options.onForgotten(cpId);
      });
      this.options.afterBatch();
    });
    await this.subscription.ready;
  }

  /**
   * Resolves true once all `count` markers of `nonce` have been read back, false after
   * `timeoutMs`. Call before publishing the markers.
   */
  waitForMarkers(nonce: string, count: number, timeoutMs: number): Promise<boolean> {
    const { clock } = this.options;
    return new Promise<boolean>((resolve) => {
      const wait = {
        nonce,
        seen: new Set<number>(),
        count,
        done: (complete: boolean) => {
          clock.clearTimeout(timer);
          this.waits.delete(wait);
          resolve(complete);
        },
      };
      const timer = clock.setTimeout(() => wait.done(false), timeoutMs);
      this.waits.add(wait);
    });
  }

  async close(): Promise<void> {
    for (const w of [...this.waits]) w.done(false);
    await this.subscription?.close();
    this.subscription = null;
  }
}
