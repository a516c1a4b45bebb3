import { Partitioners, type Consumer, type Kafka, type Producer } from './kafkajs.js';
import { PublishRejectedError, type Bus, type BusStatus, type IncomingRecord, type OutgoingRecord, type RecordHandler, type SubscribeOptions, type Subscription } from '../bus/bus.js';
import type { TopicKey } from '../bus/topics.js';
import type { EvchargeConfig } from '../config/schema.js';
import { appendLog } from './kafka-log.js';

const PUBLISH_BACKOFF_MAX_MS = 5000;
/** Most record bytes per produce request: well under the broker's 1 MiB per record batch. */
const PUBLISH_CHUNK_BYTES = 512 * 1024;
/** A consumer fetch returns at least every second; this long without any answer means trouble. */
const SILENCE_MS = 5000;

/**
 * The Bus over Kafka. Publishing waits for every in-sync replica (acks -1) through an idempotent
 * producer, and keeps retrying while the cluster is away instead of dropping records: the caller's
 * promise resolves only once Kafka has the record. Consumers commit a batch's offsets only after
 * the handler has applied it.
 */
export class KafkaBus implements Bus {
  private producer: Producer;
  private producerConnected: Promise<void> | null = null;
  private readonly consumers = new Set<Consumer>();
  private readonly listeners = new Set<(s: BusStatus) => void>();
  private current: BusStatus;
  private closed = false;
  private readonly nameOf: Record<TopicKey, string>;
  private readonly keyOf: Map<string, TopicKey>;
  /** Last time the cluster answered anything (a fetch, a join, an acknowledged publish). */
  private lastHeardAt = Date.now();
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: EvchargeConfig,
    private readonly logFile: string,
  ) {
    this.current = { state: 'connecting', brokers: config.brokers };
    this.nameOf = Object.fromEntries(Object.values(config.topics).map((t) => [t.key, t.name])) as Record<TopicKey, string>;
    this.keyOf = new Map(Object.values(config.topics).map((t) => [t.name, t.key]));
    // kafkajs retries a consumer's fetches quietly while brokers are away; notice the silence.
    this.watchdog = setInterval(() => {
      const silentMs = Date.now() - this.lastHeardAt;
      if (this.consumers.size > 0 && silentMs > SILENCE_MS) {
        this.setStatus('retrying', `no answer from the cluster for ${Math.round(silentMs / 1000)} s`);
      }
    }, 1000);
    this.watchdog.unref();
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  /**
   * After a partition leader changes, kafkajs's idempotent producer can be left with sequence
   * numbers the new leader refuses (OUT_OF_ORDER_SEQUENCE_NUMBER) on every later send. A new
   * producer gets a new producer id and starts again; records it resends that had already landed
   * are duplicates the consumers drop by message id.
   */
  private async resetProducer(reason: string): Promise<void> {
    const old = this.producer;
    const wasConnected = this.producerConnected;
    this.producer = this.newProducer();
    this.producerConnected = null;
    appendLog(this.logFile, 'producer reset', { reason });
    if (wasConnected) await old.disconnect().catch(() => {});
  }

  status(): BusStatus {
    return this.current;
  }

  onStatus(listener: (s: BusStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setStatus(state: BusStatus['state'], detail?: string): void {
    if (state === 'connected') this.lastHeardAt = Date.now();
    if (this.closed && state !== 'closed') return;
    // While retrying, the detail (seconds of silence) changes each second: report the state once.
    if (state === 'retrying' && this.current.state === 'retrying') return;
    if (this.current.state === state && this.current.detail === detail) return;
    this.current = detail === undefined ? { state, brokers: this.config.brokers } : { state, brokers: this.config.brokers, detail };
    appendLog(this.logFile, `bus ${state}`, detail ? { detail } : {});
    for (const l of this.listeners) l(this.current);
  }

  async publish(records: OutgoingRecord[]): Promise<void> {
    // A broker refuses a record batch over message.max.bytes (1 MiB by default) for good: one big
    // publish (central after thousands of registrations) goes out as several requests, in order.
    let start = 0;
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      // Bytes, not characters: `€` is three bytes on the wire.
      const size = Buffer.byteLength(records[i]!.value) + Buffer.byteLength(records[i]!.key) + 64;
      if (i > start && bytes + size > PUBLISH_CHUNK_BYTES) {
        await this.publishChunk(records.slice(start, i));
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
    if (start < records.length) await this.publishChunk(start === 0 ? records : records.slice(start));
  }

  private async publishChunk(records: OutgoingRecord[]): Promise<void> {
    const topicMessages = groupByTopic(records, this.nameOf);
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error('bus is closed');
      try {
        this.producerConnected ??= this.producer.connect();
        await this.producerConnected;
        await this.producer.sendBatch({ acks: -1, topicMessages });
        this.setStatus('connected');
        return;
      } catch (e) {
        const err = e as Error & { retriable?: boolean };
        if (isSequenceError(err)) {
          this.setStatus('retrying', `publish: ${err.message}; starting a new producer`);
          await this.resetProducer(err.message);
          continue;
        }
        // Too large for the broker: only the offending records are refused, the rest go out.
        if (isSizeError(err)) return this.publishOneByOne(records, err);
        if (!isRetriable(err)) throw err;
        if (/disconnected|not connected/i.test(err.message)) this.producerConnected = null;
        this.setStatus('retrying', `publish: ${err.message}`);
        await sleep(Math.min(PUBLISH_BACKOFF_MAX_MS, 250 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  /**
   * A refused batch is sent again record by record, so one bad record (too large, say) costs
   * only itself: the others go out, and the refused ones are reported, never retried forever.
   */
  private async publishOneByOne(records: OutgoingRecord[], cause: Error): Promise<void> {
    if (records.length === 1) throw new PublishRejectedError([{ record: records[0]!, reason: cause.message }]);
    const rejected: PublishRejectedError['rejected'] = [];
    for (const record of records) {
      try {
        await this.publishChunk([record]);
      } catch (e) {
        if (!(e instanceof PublishRejectedError)) throw e;
        rejected.push(...e.rejected);
      }
    }
    if (rejected.length > 0) throw new PublishRejectedError(rejected);
  }

  async subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<Subscription> {
    const commit = options.commit ?? true;
    const consumer = this.kafka.consumer({
      groupId: options.group,
      sessionTimeout: this.config.sessionTimeoutMs,
      rebalanceTimeout: this.config.sessionTimeoutMs,
      heartbeatInterval: 1_000,
      // A fetch that finds nothing returns after this long; disconnect waits for it, so a long
      // wait would make every clean exit slow. Records still arrive at once when there are any.
      maxWaitTimeInMs: 1_000,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: this.config.retry.initialRetryTimeMs, maxRetryTime: this.config.retry.maxRetryTimeMs },
    });
    this.consumers.add(consumer);
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      markReady();
      this.setStatus('connected');
    });
    consumer.on(consumer.events.FETCH, () => this.setStatus('connected'));
    consumer.on(consumer.events.CRASH, (e) => this.setStatus('retrying', `consume: ${e.payload.error.message}`));
    consumer.on(consumer.events.REQUEST_TIMEOUT, () => this.setStatus('retrying', 'consume: request timed out'));

    await consumer.connect();
    await consumer.subscribe({ topics: options.topics.map((k) => this.nameOf[k]), fromBeginning: options.fromBeginning ?? false });
    const committer = commit ? new OffsetCommitter() : null;
    await consumer.run({
      // Offsets are committed below, once the handler has applied the batch: one commit request
      // at a time per consumer, carrying every partition finished meanwhile (kafkajs's own
      // auto-commit sends one request per batch).
      autoCommit: false,
      // Batches of different partitions are handled concurrently (each partition stays in order),
      // so one batch's publish and commit round trips no longer hold up every other partition.
      partitionsConsumedConcurrently: Math.min(16, options.topics.reduce((n, k) => n + (this.config.topics[k]?.partitions ?? 1), 0)),
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, uncommittedOffsets, heartbeat, isRunning, isStale }) => {
        if (batch.messages.length === 0 || !isRunning() || isStale()) return;
        const topic = this.keyOf.get(batch.topic);
        if (topic === undefined) return;
        const records: IncomingRecord[] = batch.messages.map((m) => ({
          topic,
          key: m.key === null ? null : m.key.toString(),
          value: m.value === null ? null : m.value.toString(),
          partition: batch.partition,
          offset: m.offset,
          timestamp: Number(m.timestamp),
        }));
        await handler(records);
        resolveOffset(batch.lastOffset());
        // Given explicit offsets (every resolved one, taken when the commit starts), kafkajs commits
        // them even while the consumer is stopping: a batch applied just before close() stays read.
        if (committer) await committer.commit(() => commitOffsetsIfNecessary(uncommittedOffsets()));
        await heartbeat();
      },
    });
    const close = async () => {
      if (!this.consumers.delete(consumer)) return;
      await consumer.disconnect().catch(() => {});
    };
    return { ready, close };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Leave every group first, so a restart of this role rejoins at once instead of waiting
    // for the session timeout.
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => {})));
    this.consumers.clear();
    clearInterval(this.watchdog);
    if (this.producerConnected) await this.producer.disconnect().catch(() => {});
    this.setStatus('closed');
  }
}

/**
 * Commits consumed offsets in as few requests as possible: a batch whose offset is resolved waits
 * for the commit in flight (if any), then one commit carries every offset resolved meanwhile, on
 * every partition. `commit()` resolves once a commit including this batch's offset succeeded and
 * rejects if it failed (kafkajs then redelivers the batch, as when its own auto-commit fails).
 */
class OffsetCommitter {
  private chain: Promise<void> = Promise.resolve();
  private next: Promise<void> | null = null;

  commit(commitResolved: () => Promise<void>): Promise<void> {
    if (!this.next) {
      const run = this.chain
        .catch(() => {})
        .then(() => {
          this.next = null;
          return commitResolved();
        });
      this.next = run;
      this.chain = run;
    }
    return this.next;
  }
}

function groupByTopic(records: OutgoingRecord[], nameOf: Record<TopicKey, string>) {
  const byTopic = new Map<string, { key: string; value: string }[]>();
  for (const r of records) {
    const name = nameOf[r.topic];
    let list = byTopic.get(name);
    if (!list) byTopic.set(name, (list = []));
    list.push({ key: r.key, value: r.value });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

const causeChain = (e: Error): string => {
  let text = e.message;
  for (let c = (e as { cause?: Error }).cause; c; c = (c as { cause?: Error }).cause) text += ` | ${c.message}`;
  return text;
};
function isSequenceError(e: Error): boolean {
  return /out of order sequence|UNKNOWN_PRODUCER_ID|producer (id|epoch)|INVALID_PRODUCER_EPOCH|OutOfOrderSequence/i.test(causeChain(e));
}
function isSizeError(e: Error): boolean {
  return /larger than the max message size|MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|too large/i.test(causeChain(e));
}

/** Errors worth waiting out: the cluster or a leader is away. Anything else is a bug or bad input. */
function isRetriable(e: Error & { retriable?: boolean; name: string }): boolean {
  if (e.retriable) return true;
  if (/KafkaJSNumberOfRetriesExceeded|KafkaJSConnectionError|KafkaJSRequestTimeoutError|KafkaJSNonRetriableError/.test(e.name)) {
    // NonRetriable is what kafkajs throws once its own retries are exhausted; look at the cause.
    const cause = (e as { cause?: Error & { retriable?: boolean } }).cause;
    return e.name !== 'KafkaJSNonRetriableError' || cause === undefined || isRetriable(cause as Error & { retriable?: boolean });
  }
  return /ECONNREFUSED|ECONNRESET|EPIPE|Connection (timeout|error)|not connected|disconnected|leader|coordinator|NOT_ENOUGH_REPLICAS|timed out/i.test(e.message);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
