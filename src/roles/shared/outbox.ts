import { AccessRefusedError, PublishRejectedError, type Bus, type OutgoingRecord, type PublishOptions } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import { encodeMessage, type MessageType, type PayloadOf } from '../../protocol/index.js';
import type { RoleCounters } from './counters.js';

/**
 * Collects a role's outgoing records and publishes them in order, one publish per flush. A failed
 * publish is retried with backoff until it succeeds (or the role closes), so a handler that awaits
 * `flush()` only lets its offsets be committed once its outputs are really on the bus.
 */
export class Outbox {
  private queue: OutgoingRecord[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** A publish is queued on `chain` and has not taken the queue yet. */
  private waiting = false;
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
    readonly sender: string,
    private readonly counters: RoleCounters,
    private readonly onPublishError: (error: unknown, attempt: number) => void,
    /** Which lane of the bus this outbox publishes on (see PublishOptions). */
    private readonly publishOptions: PublishOptions = {},
  ) {}

  add<T extends MessageType>(type: T, payload: PayloadOf<T>, id?: string): void {
    this.queue.push(encodeMessage(type, this.sender, payload, this.clock.now(), id));
  }

  addRecord(record: OutgoingRecord): void {
    this.queue.push(record);
  }

  get pending(): number {
    return this.queue.length;
  }

  flush(): Promise<void> {
    // One publish waits its turn at a time: flushes arriving while it waits (other batches
    // handled concurrently) join it instead of each queueing a publish of its own.
    if (this.queue.length > 0 && !this.waiting) {
      this.waiting = true;
      this.chain = this.chain.then(() => {
        this.waiting = false;
        const batch = this.queue;
        this.queue = [];
        return batch.length > 0 ? this.publishWithRetry(batch) : undefined;
      });
    }
    return this.chain;
  }

  /** Stops retrying; records still unpublished are dropped. */
  close(): void {
    this.closed = true;
    this.wake?.();
  }

  private async publishWithRetry(batch: OutgoingRecord[]): Promise<void> {
    let delay = 100;
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.bus.publish(batch, this.publishOptions);
        this.counters.messagesOut += batch.length;
        return;
      } catch (error) {
        if (this.closed) return;
        if (error instanceof PublishRejectedError) {
          // The rest went out; the refused records can never go: report them and move on
          // rather than stall every later message behind them.
          this.counters.messagesOut += batch.length - error.rejected.length;
          this.onPublishError(error, attempt);
          return;
        }
        // No ACL allows it: retrying cannot help (the process is told and stops; see the bus).
        if (error instanceof AccessRefusedError) {
          this.onPublishError(error, attempt);
          return;
        }
        this.onPublishError(error, attempt);
        await new Promise<void>((resolve) => {
          const handle = this.clock.setTimeout(() => resolve(), delay);
          this.wake = () => {
            this.clock.clearTimeout(handle);
            resolve();
          };
        });
        this.wake = null;
        delay = Math.min(delay * 2, 5000);
      }
    }
  }
}
