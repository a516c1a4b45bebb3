import { NotLeaderError } from '../bus/leadership.js';
import { Partitioners, type Kafka, type Producer } from './kafkajs.js';
import { appendLog } from './kafka-log.js';
import type { LaneSettings } from './producer-lane.js';

type TopicMessages = { topic: string; messages: { key: string; value: string | null }[] }[];
type OffsetTopics = { topic: string; partitions: { partition: number; offset: string }[] }[];

type Job =
  | { kind: 'records'; topicMessages: TopicMessages; bytes: number; resolve: () => void; reject: (e: Error) => void }
  | { kind: 'offsets'; group: string; topics: OffsetTopics; resolve: () => void; reject: (e: Error) => void };

/** How long offsets wait for records to travel with before they get a transaction of their own. */
const OFFSETS_DELAY_MS = 100;

/** An init not through after this long gets the coordinator nudged (and again as often). */
const NUDGE_AFTER_MS = 2000;

/** How long a broken (not fenced) producer waits for an unconfirmed lease to be confirmed again. */
const FRESH_WAIT_MS = 10_000;

/** Most record bytes one transaction carries; a publish is already cut to 512 KiB by the bus. */
const TXN_BYTES = 512 * 1024;

/** The broker bumped the producer epoch: a newer producer with this transactional id exists. */
export function isFencedError(e: unknown): boolean {
  const err = e as { type?: string; message?: string; cause?: unknown };
  if (err?.type === 'INVALID_PRODUCER_EPOCH' || err?.type === 'PRODUCER_FENCED') return true;
  if (/old epoch|producer.*fenced|PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/i.test(err?.message ?? '')) return true;
  return err?.cause !== undefined && isFencedError(err.cause);
}

/**
 * The active central's main lane: every record it publishes, and the consumed offsets those
 * records answer, go out in Kafka transactions under one transactional id per network. Whoever
 * initialises that id last fences every earlier producer: the broker refuses a paused or cut-off
 * old active's writes, and aborts its open transaction, so CPs and drivers (which read committed
 * records only) never see a decision of a central that lost the lease.
 *
 * Publishes that arrive while a transaction is under way wait and go out together in the next
 * one (group commit), so throughput does not pay a round trip per record.
 */
export class TransactionalLane {
  private producer: Producer | null = null;
  private queue: Job[] = [];
  private running = false;
  private deposed = false;
  private offsetsTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly transactionalId: string,
    readonly settings: LaneSettings,
    private readonly logFile: string,
    /** Whether this process surely still holds the lease (see KafkaLease.fresh). */
    private readonly fresh: () => boolean,
    /** Fenced while the lease could not be confirmed: the lease steps down. */
    private readonly onFenced: (reason: string) => void,
    /** Wakes the coordinator when the init waits on a stuck transaction (see coordinator-nudge.ts). */
    private readonly nudge?: () => Promise<void>,
  ) {}

  /** Initialises the transactional id: from here on every earlier holder is fenced. */
  async fence(): Promise<void> {
    const producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      transactionalId: this.transactionalId,
      // A killed active's open transaction holds back read-committed consumers of its partitions
      // until the next holder's init aborts it (at once), or until this times out. After an
      // outage of the whole cluster the coordinator can hold the transaction open at the brokers
      // (CONCURRENT_TRANSACTIONS to every init) until this timeout and its cleanup scan
      // (transaction.abort.timed.out.transaction.cleanup.interval.ms) end it: short, but longer
      // than a broker failover, which a live active's transaction must survive.
      transactionTimeout: 15_000,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // A transaction's first write after the previous commit is refused (CONCURRENT_TRANSACTIONS)
      // until the commit markers are written, a few ms: retry quickly.
      retry: { initialRetryTime: 10, maxRetryTime: this.settings.retry.maxRetryTime, retries: this.settings.retry.retries },
    });
    // An init that waits longer than a healthy one would is most likely answered
    // CONCURRENT_TRANSACTIONS by a coordinator sitting on a stuck transaction: wake it, now and
    // then, until the init is through.
    let nudging: Promise<void> | null = null;
    const nudger = setInterval(() => {
      if (!this.nudge || nudging) return;
      nudging = this.nudge()
        .catch((e: Error) => appendLog(this.logFile, 'coordinator nudge failed', { error: e.message }))
        .finally(() => (nudging = null));
    }, NUDGE_AFTER_MS);
    try {
      await producer.connect();
      // kafkajs initialises the transactional id (InitProducerId) with the first transaction.
      const init = await producer.transaction();
      await init.commit();
    } finally {
      clearInterval(nudger);
    }
    const old = this.producer;
    this.producer = producer;
    this.deposed = false;
    await old?.disconnect().catch(() => {});
    appendLog(this.logFile, 'transactional producer initialised (earlier holders fenced)', { transactionalId: this.transactionalId });
  }

  send(topicMessages: TopicMessages): Promise<void> {
    const bytes = topicMessages.reduce((n, t) => n + t.messages.reduce((m, r) => m + (r.value?.length ?? 0) + r.key.length + 64, 0), 0);
    return this.enqueue((resolve, reject) => ({ kind: 'records', topicMessages, bytes, resolve, reject }));
  }

  /**
   * Commits a consumer group's offsets in a later transaction, after every record queued before
   * them: with the next records if some come within OFFSETS_DELAY_MS, else in one of their own.
   * Nobody waits for it; a failure is logged and the next commit carries the same offsets.
   */
  commitOffsets(group: string, topics: OffsetTopics): void {
    if (topics.every((t) => t.partitions.length === 0) || this.deposed || !this.producer) return;
    this.queue.push({ kind: 'offsets', group, topics, resolve: () => {}, reject: (e) => appendLog(this.logFile, 'offset commit failed; the next one carries it', { error: e.message }) });
    if (this.running || this.offsetsTimer) return;
    this.offsetsTimer = setTimeout(() => {
      this.offsetsTimer = null;
      if (!this.running && this.queue.length > 0) void this.drain();
    }, OFFSETS_DELAY_MS);
  }

  private enqueue(make: (resolve: () => void, reject: (e: Error) => void) => Job): Promise<void> {
    if (this.deposed || !this.producer) return Promise.reject(new NotLeaderError('this central is not the active one'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push(make(resolve, reject));
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const jobs = this.take();
        try {
          await this.runTransaction(jobs);
          for (const j of jobs) j.resolve();
        } catch (e) {
          const error = await this.recover(e as Error);
          for (const j of jobs) j.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private take(): Job[] {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length) {
      const job = this.queue[n]!;
      const size = job.kind === 'records' ? job.bytes : 0;
      if (n > 0 && bytes + size > TXN_BYTES) break;
      bytes += size;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async runTransaction(jobs: Job[]): Promise<void> {
    if (this.deposed || !this.producer) throw new NotLeaderError('this central is not the active one');
    const txn = await this.producer.transaction();
    try {
      const topicMessages = jobs.flatMap((j) => (j.kind === 'records' ? j.topicMessages : []));
      if (topicMessages.length > 0) await txn.sendBatch({ acks: -1, topicMessages });
      for (const [group, topics] of mergeOffsets(jobs)) await untilNotConcurrent(() => txn.sendOffsets({ consumerGroupId: group, topics }));
      await txn.commit();
    } catch (e) {
      // Best effort: a fenced producer cannot abort, and the next holder aborts for it anyway.
      // An abort that fails (its coordinator moving) leaves kafkajs in ABORTING, which it cannot
      // retry: recover() then starts a new producer.
      await txn.abort().catch(() => {});
      throw e;
    }
  }

  /**
   * After a failed transaction: the error its publishes get. Fenced, or left in a state kafkajs
   * cannot continue from: a new producer (which fences our own old one) while the lease is
   * surely ours; otherwise step down, because initialising again would fence the real active.
   */
  private async recover(error: Error): Promise<Error> {
    const fenced = isFencedError(error);
    const broken = fenced || /Transaction state exception|Cannot continue to use transaction/i.test(error.message);
    if (!broken) return error;
    // Left in a state kafkajs cannot continue from (a commit that timed out in a failover), not
    // fenced: while the lease is only unconfirmed (its coordinator moving too), wait for it to be
    // confirmed rather than hand the network to a takeover.
    if (!fenced && !this.fresh()) {
      const from = Date.now();
      appendLog(this.logFile, 'transaction broken; waiting for the lease to be confirmed', { error: error.message });
      await this.untilFresh(FRESH_WAIT_MS);
      appendLog(this.logFile, this.fresh() ? 'lease confirmed' : 'lease still unconfirmed', { ms: Date.now() - from });
    }
    if (!this.fresh()) {
      this.deposed = true;
      appendLog(this.logFile, 'transactional producer fenced; stepping down', { error: error.message });
      this.onFenced(`fenced by a newer active central (${error.message})`);
      return new NotLeaderError(`this central was fenced by a newer active one: ${error.message}`);
    }
    appendLog(this.logFile, 'transactional producer reset', { error: error.message });
    try {
      await this.fence();
    } catch (e) {
      return e as Error;
    }
    // The publishes retry (the bus's loop); the error says why they had to.
    return Object.assign(new Error(`transaction failed, producer reset: ${error.message}`), { retriable: true });
  }

  private async untilFresh(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.fresh() && !this.deposed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  /** Same contract as ProducerLane.reset: a fresh producer (here: only while the lease is ours). */
  async reset(reason: string): Promise<void> {
    await this.recover(Object.assign(new Error(reason), { type: 'INVALID_PRODUCER_EPOCH' }));
  }

  /** Deposed: every queued and later publish is refused with NotLeaderError. */
  async close(): Promise<void> {
    this.deposed = true;
    if (this.offsetsTimer) clearTimeout(this.offsetsTimer);
    this.offsetsTimer = null;
    const refused = this.queue.splice(0);
    for (const j of refused) j.reject(new NotLeaderError('this central is no longer the active one'));
    const p = this.producer;
    this.producer = null;
    await p?.disconnect().catch(() => {});
  }
}

/**
 * The first request of a transaction that follows a commit is refused with CONCURRENT_TRANSACTIONS
 * until the broker has written the commit markers (a few ms). kafkajs retries that for the
 * records' AddPartitionsToTxn but not for the offsets' AddOffsetsToTxn, which then failed whole
 * transactions of offsets alone: retry it here, quickly and a bounded number of times.
 */
async function untilNotConcurrent(op: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      const type = (e as { type?: string }).type;
      if (type !== 'CONCURRENT_TRANSACTIONS' || attempt >= 10) throw e;
      await new Promise((r) => setTimeout(r, Math.min(100, 5 * 2 ** attempt)));
    }
  }
}

/** The latest offset per group and partition among the jobs. */
function mergeOffsets(jobs: Job[]): Map<string, OffsetTopics> {
  const byGroup = new Map<string, Map<string, Map<number, string>>>();
  for (const j of jobs) {
    if (j.kind !== 'offsets') continue;
    const topics = byGroup.get(j.group) ?? new Map<string, Map<number, string>>();
    byGroup.set(j.group, topics);
    for (const t of j.topics) {
      const parts = topics.get(t.topic) ?? new Map<number, string>();
      topics.set(t.topic, parts);
      for (const p of t.partitions) {
        const had = parts.get(p.partition);
        if (had === undefined || BigInt(p.offset) > BigInt(had)) parts.set(p.partition, p.offset);
      }
    }
  }
  return new Map(
    [...byGroup].map(([g, topics]) => [g, [...topics].map(([topic, parts]) => ({ topic, partitions: [...parts].map(([partition, offset]) => ({ partition, offset })) }))]),
  );
}
