import type { Bus, IncomingRecord, Subscription } from '../bus/bus.js';
import type { Clock } from '../bus/clock.js';
import type { PayloadOf } from '../protocol/index.js';
import { newCounters, type RoleCounters } from '../roles/shared/counters.js';
import { Inbox } from '../roles/shared/inbox.js';
import { Outbox } from '../roles/shared/outbox.js';

export type StationTransactionRecord = PayloadOf<'ocpp.transaction'>;
export type OpenTransaction = NonNullable<StationTransactionRecord['tx']>;

/** `seq` of the first telemetry after the `handoffs`-th takeover: above all an earlier gateway sent. */
export const SEQ_PER_HANDOFF = 1_000_000_000;

export function seqBaseOf(handoffs: number): number {
  return handoffs * SEQ_PER_HANDOFF;
}

export interface TransactionLogOptions {
  bus: Bus;
  /** A group of this process alone, never committed: every gateway reads the whole topic. */
  group: string;
  /** This gateway's name in the records it writes (host and pid). */
  gateway: string;
  clock: Clock;
  /** Where the topic ends now (partition → next offset): start() returns once it has read that far. */
  ends?: () => Promise<Map<number, number>>;
  onMalformed: (record: IncomingRecord, reason: string) => void;
  onPublishError: (error: unknown, attempt: number) => void;
}

/**
 * The OCPP stations' open transactions, shared by every gateway through the compacted
 * `ocpp-transactions` topic (keyed by station id): the gateway holding a station writes its
 * transaction before answering StartTransaction, and clears it at StopTransaction; a gateway the
 * station reconnects to finds it here and goes on with it (docs/ocpp-gateways.md).
 */
export class TransactionLog {
  private readonly latest = new Map<string, StationTransactionRecord>();
  private readonly waiters = new Set<() => void>();
  /** Per station, this gateway's writes not read back yet: a record of another's after them is newer. */
  private readonly unreadOwn = new Map<string, number>();
  private readonly elsewhere = new Set<(stationId: string, gateway: string) => void>();
  private live = false;
  private readonly counters: RoleCounters = newCounters();
  private readonly out: Outbox;
  private readonly inbox: Inbox;
  private sub: Subscription | null = null;

  constructor(private readonly options: TransactionLogOptions) {
    this.out = new Outbox(options.bus, options.clock, `ocpp-gateway:${options.gateway}`, this.counters, options.onPublishError);
    this.inbox = new Inbox({ counters: this.counters, outbox: this.out, onMalformed: options.onMalformed });
  }

  /** Reads the topic up to where it ends now; later records keep arriving. */
  async start(): Promise<void> {
    const ends = (await this.options.ends?.()) ?? new Map<number, number>();
    const next = new Map<number, number>();
    let loaded: () => void = () => {};
    const caughtUp = new Promise<void>((resolve) => (loaded = resolve));
    const check = () => {
      if ([...ends].every(([partition, end]) => (next.get(partition) ?? 0) >= end)) loaded();
    };
    this.sub = await this.options.bus.subscribe({ group: this.options.group, topics: ['ocpp-transactions'], fromBeginning: true, commit: false }, async (records) => {
      for (const { message } of this.inbox.decodeEach(records)) {
        if (message.type === 'ocpp.transaction') this.readBack(message.payload);
      }
      for (const r of records) next.set(r.partition, Math.max(next.get(r.partition) ?? 0, Number(r.offset) + 1));
      check();
      for (const wake of [...this.waiters]) wake();
      await this.out.flush();
    });
    await this.sub.ready;
    check();
    await caughtUp;
    this.live = true;
  }

  /**
   * Told when another gateway writes a station's transaction after this one's last write of it:
   * the station talks to that gateway now (it moved), so a connection here is stale.
   */
  onElsewhere(listener: (stationId: string, gateway: string) => void): void {
    this.elsewhere.add(listener);
  }

  private readBack(record: StationTransactionRecord): void {
    const { stationId } = record;
    // In the log's order, which is every gateway's: the latest record read is the station's state.
    this.apply(record);
    if (record.gateway === this.options.gateway) {
      const n = (this.unreadOwn.get(stationId) ?? 1) - 1;
      if (n > 0) this.unreadOwn.set(stationId, n);
      else this.unreadOwn.delete(stationId);
      return;
    }
    if (this.live && !this.unreadOwn.has(stationId)) for (const tell of this.elsewhere) tell(stationId, record.gateway);
  }

  private apply(record: StationTransactionRecord): void {
    const before = this.latest.get(record.stationId);
    // Ids only grow: a late copy of an older record never takes a station's last id back.
    const lastTransactionId = Math.max(before?.lastTransactionId ?? 0, record.lastTransactionId);
    this.latest.set(record.stationId, { ...record, lastTransactionId });
  }

  /** The station's open transaction, as the last gateway to hold it wrote it. */
  open(stationId: string): OpenTransaction | null {
    return this.latest.get(stationId)?.tx ?? null;
  }

  /** This gateway wrote the station's latest record: no other has taken the station over since. */
  heldHere(stationId: string): boolean {
    return this.latest.get(stationId)?.gateway === this.options.gateway;
  }

  /** The highest transaction id any gateway gave the station (0: none). */
  lastTransactionId(stationId: string): number {
    return this.latest.get(stationId)?.lastTransactionId ?? 0;
  }

  /** Waits up to `ms` for the station's transaction `transactionId` to be known here. */
  async waitFor(stationId: string, transactionId: number, ms: number): Promise<OpenTransaction | null> {
    const found = () => {
      const tx = this.open(stationId);
      return tx?.transactionId === transactionId ? tx : null;
    };
    if (found() || ms <= 0) return found();
    const { clock } = this.options;
    return new Promise((resolve) => {
      const done = () => {
        clock.clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found());
      };
      const check = () => {
        if (found()) done();
      };
      const timer = clock.setTimeout(done, ms);
      this.waiters.add(check);
    });
  }

  /** Writes the station's transaction (null: none open) and resolves once it is on the topic. */
  async write(stationId: string, tx: OpenTransaction | null): Promise<void> {
    const lastTransactionId = Math.max(this.lastTransactionId(stationId), tx?.transactionId ?? 0);
    const record: StationTransactionRecord = { stationId, gateway: this.options.gateway, lastTransactionId, tx };
    // Known here at once: the station's next call may come before the record is read back.
    this.apply(record);
    this.unreadOwn.set(stationId, (this.unreadOwn.get(stationId) ?? 0) + 1);
    this.out.add('ocpp.transaction', record);
    await this.out.flush();
  }

  async close(): Promise<void> {
    for (const wake of [...this.waiters]) wake();
    await this.sub?.close();
    this.out.close();
  }
}
