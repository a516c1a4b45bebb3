import type { Consumer, Kafka } from './kafkajs.js';
import { PublishRejectedError, type AccessRefusedError, type Bus, type BusStatus, type OutgoingRecord, type PublishOptions, type RecordHandler, type SubscribeOptions, type Subscription } from '../bus/bus.js';
import type { TopicKey } from '../bus/topics.js';
import type { EvchargeConfig } from '../config/schema.js';
import { appendLog } from './kafka-log.js';
import { isRetriable, isSequenceError, isSizeError } from './kafka-errors.js';
import { ProducerLane } from './producer-lane.js';
import { NotLeaderError, type Lease, type LeaseOptions } from '../bus/leadership.js';
import { createKafka } from './kafka-client.js';
import { KafkaLease } from './lease.js';
import { TransactionalLane } from './transactional-lane.js';
import { CoordinatorNudge } from './coordinator-nudge.js';
import type { ClientIdentity } from './kafka-client.js';
import { authorizationFailure, RefusalReporter } from './access-refusals.js';
import { clusterAnswers } from './cluster-probe.js';
import { startConsumer, type ConsumerHost } from './kafka-consumer.js';

export interface KafkaBusOptions {
  /** Whose bus this is: the refusal messages name its user and the `evcharge acl` line for it. */
  who?: ClientIdentity;
  /**
   * The brokers refused something this process needs, for good (no ACL allows it). Called once;
   * the CLI prints the message and exits 2. Without it the refusal is only thrown where it happened.
   */
  onRefused?: (error: AccessRefusedError) => void;
}

/** Most record bytes per produce request: well under the broker's 1 MiB per record batch. */
const PUBLISH_CHUNK_BYTES = 512 * 1024;
/** A consumer fetch returns at least every second; this long without any answer means trouble. */
const SILENCE_MS = 5000;

/**
 * The Bus over Kafka. Publishing waits for every in-sync replica (acks -1) through an idempotent
 * producer, and keeps retrying while the cluster is away instead of dropping records: the caller's
 * promise resolves only once Kafka has the record. The `pulse` lane is a second, non-idempotent
 * producer that retries within a second. Consumers commit a batch's offsets only after the
 * handler has applied it.
 */

export class KafkaBus implements Bus {
  private readonly main: ProducerLane;
  private readonly pulse: ProducerLane;
  private readonly consumers = new Set<Consumer>();
  private readonly listeners = new Set<(s: BusStatus) => void>();
  private current: BusStatus;
  private closed = false;
  private readonly nameOf: Record<TopicKey, string>;
  private readonly keyOf: Map<string, TopicKey>;
  /** Last time the cluster answered anything (a fetch, a join, an acknowledged publish). */
  private lastHeardAt = Date.now();
  private readonly watchdog: NodeJS.Timeout;
  /** Set once this bus campaigns for the lease: main-lane publishes then need `active`. */
  private lease: KafkaLease | null = null;
  /** The active central's transactional producer, while it holds the lease. */
  private txLane: TransactionalLane | null = null;

  /** Turns the brokers' authorization failures into the refusal the CLI exits with. */
  private readonly refusals: RefusalReporter;

  constructor(
    kafka: Kafka,
    private readonly config: EvchargeConfig,
    private readonly logFile: string,
    options: KafkaBusOptions = {},
  ) {
    this.current = { state: 'connecting', brokers: config.brokers };
    this.refusals = new RefusalReporter({ config, who: options.who ?? { role: 'evcharge' } }, logFile, options.onRefused);
    this.nameOf = Object.fromEntries(Object.values(config.topics).map((t) => [t.key, t.name])) as Record<TopicKey, string>;
    this.keyOf = new Map(Object.values(config.topics).map((t) => [t.name, t.key]));
    // kafkajs retries a consumer's fetches quietly while brokers are away; notice the silence.
    let lastBeat = Date.now();
    this.watchdog = setInterval(() => {
      // A timer 3 s late means this process did nothing else meanwhile (a busy loop, a long
      // synchronous step): every other timeout it keeps was late too. Worth a line in the log.
      const lateMs = Date.now() - lastBeat - 1000;
      lastBeat = Date.now();
      if (lateMs > 2000) appendLog(this.logFile, 'event loop stalled', { ms: lateMs });
      const silentMs = Date.now() - this.lastHeardAt;
      if (this.consumers.size > 0 && silentMs > SILENCE_MS) {
        this.setStatus('retrying', `no answer from the cluster for ${Math.round(silentMs / 1000)} s`);
      }
    }, 1000);
    this.watchdog.unref();
    const { initialRetryTimeMs, maxRetryTimeMs, retries } = config.retry;
    this.main = new ProducerLane(kafka, { name: 'main', idempotent: true, retry: { initialRetryTime: initialRetryTimeMs, maxRetryTime: maxRetryTimeMs, retries }, backoffMaxMs: 1000 }, logFile);
    // A heartbeat is worth something only while it is fresh: retry often, give up on none.
    this.pulse = new ProducerLane(kafka, { name: 'pulse', idempotent: false, retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 3 }, backoffMaxMs: 1000 }, logFile);
    this.consumerHost = {
      kafka,
      config,
      logFile,
      nameOf: this.nameOf,
      keyOf: this.keyOf,
      consumers: this.consumers,
      refusals: this.refusals,
      setStatus: (state, detail) => this.setStatus(state, detail),
      closed: () => this.closed,
      lease: () => this.lease,
      txLane: () => this.txLane,
    };
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
    this.current = {
      state,
      brokers: this.config.brokers,
      ...(detail !== undefined && { detail }),
      ...(state === 'retrying' && this.lastHeardAt > 0 && { lastHeardAt: this.lastHeardAt }),
    };
    appendLog(this.logFile, `bus ${state}`, detail ? { detail } : {});
    for (const l of this.listeners) l(this.current);
  }

  async lead(options: LeaseOptions): Promise<Lease> {
    if (this.lease) throw new Error('this bus already campaigns for a lease');
    const settings = this.main.settings;
    // The lease's own client: a heartbeat to a coordinator on a machine that was cut off gets no
    // answer at all (no refusal), and waiting the usual request timeout (30 s) for it would keep a
    // standby from noticing that the lease moved. A session is what it may wait. A connection
    // to such a broker is not refused either: at the usual connection timeout (3 s) a member still
    // trying it when the group's new coordinator had loaded the group missed its session there,
    // and the lease moved to the other central for nothing (a coordinator on a cut host).
    const { kafka: leaseKafka } = createKafka(this.config, { role: 'central', id: 'lease' }, {
      requestTimeoutMs: Math.max(1000, options.sessionTimeoutMs),
      connectionTimeoutMs: Math.min(this.config.connectionTimeoutMs, Math.max(500, Math.floor(options.sessionTimeoutMs / 2))),
      logFile: this.logFile,
    });
    // The same for the transactional producer, more patient (it carries every record of the
    // active central): taking over must not hang on a request to a broker that went silent.
    const { kafka: txKafka } = createKafka(this.config, { role: 'central', id: 'active' }, { requestTimeoutMs: Math.min(this.config.requestTimeoutMs, Math.max(5000, 2 * options.sessionTimeoutMs)), logFile: this.logFile });
    const nudge = new CoordinatorNudge(txKafka, options.group, this.nameOf['central-lease'], this.logFile);
    const lease: KafkaLease = new KafkaLease(
      leaseKafka,
      options,
      this.nameOf['central-lease'],
      {
        elect: async () => {
          const lane = new TransactionalLane(txKafka, options.group, settings, this.logFile, () => lease.fresh(), (reason) => lease.stepDown(reason), () => nudge.run());
          await lane.fence();
          this.txLane = lane;
          this.setStatus('connected');
        },
        depose: async () => {
          const lane = this.txLane;
          this.txLane = null;
          await lane?.close();
        },
        clusterAnswers: () => clusterAnswers(this.config, this.logFile),
        refused: (error, during) =>
          this.refusals.check(error, during === 'lease' ? 'Read' : 'Write', () =>
            during === 'lease'
              ? authorizationFailure(error) === 'GROUP'
                ? { resource: `group ${options.group}` }
                : this.refusals.topics(['central-lease'])
              : authorizationFailure(error) === 'GROUP'
                ? { resource: `group ${options.group}.nudge-*` }
                : { resource: `transactional id ${options.group}` },
          ) !== null,
      },
      this.logFile,
    );
    this.lease = lease;
    await lease.start();
    return lease;
  }

  /** Main-lane records of a campaigning bus go out in the active's transactions, or not at all. */
  private mainLane(): ProducerLane | TransactionalLane {
    if (!this.lease) return this.main;
    if (!this.txLane) throw new NotLeaderError('this central is not the active one');
    return this.txLane;
  }

  async publish(records: OutgoingRecord[], options?: PublishOptions): Promise<void> {
    const lane = options?.lane === 'pulse' ? this.pulse : this.mainLane();
    // A broker refuses a record batch over message.max.bytes (1 MiB by default) for good: one big
    // publish (central after thousands of registrations) goes out as several requests, in order.
    let start = 0;
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      // Bytes, not characters: `€` is three bytes on the wire.
      const size = Buffer.byteLength(records[i]!.value ?? '') + Buffer.byteLength(records[i]!.key) + 64;
      if (i > start && bytes + size > PUBLISH_CHUNK_BYTES) {
        await this.publishChunk(lane, records.slice(start, i));
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
    if (start < records.length) await this.publishChunk(lane, start === 0 ? records : records.slice(start));
  }

  private async publishChunk(lane: ProducerLane | TransactionalLane, records: OutgoingRecord[]): Promise<void> {
    const topicMessages = groupByTopic(records, this.nameOf);
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error('bus is closed');
      try {
        await lane.send(topicMessages);
        this.setStatus('connected');
        return;
      } catch (e) {
        const err = e as Error & { retriable?: boolean };
        if (isSequenceError(err)) {
          this.setStatus('retrying', `publish: ${err.message}; starting a new producer`);
          await lane.reset(err.message);
          continue;
        }
        // Too large for the broker: only the offending records are refused, the rest go out.
        if (isSizeError(err)) return this.publishOneByOne(lane, records, err);
        const refused = this.refusals.check(err, 'Write', () =>
          authorizationFailure(err) === 'TRANSACTIONAL_ID'
            ? { resource: 'the active central\'s transactional id' }
            : this.refusals.topics(records.map((r) => r.topic)),
        );
        if (refused) throw refused;
        if (!isRetriable(err)) throw err;
        this.setStatus('retrying', `publish: ${err.message}`);
        await sleep(Math.min(lane.settings.backoffMaxMs, 250 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  /**
   * A refused batch is sent again record by record, so one bad record (too large, say) costs
   * only itself: the others go out, and the refused ones are reported, never retried forever.
   */
  private async publishOneByOne(lane: ProducerLane | TransactionalLane, records: OutgoingRecord[], cause: Error): Promise<void> {
    if (records.length === 1) throw new PublishRejectedError([{ record: records[0]!, reason: cause.message }]);
    const rejected: PublishRejectedError['rejected'] = [];
    for (const record of records) {
      try {
        await this.publishChunk(lane, [record]);
      } catch (e) {
        if (!(e instanceof PublishRejectedError)) throw e;
        rejected.push(...e.rejected);
      }
    }
    if (rejected.length > 0) throw new PublishRejectedError(rejected);
  }

  subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<Subscription> {
    return startConsumer(this.consumerHost, options, handler);
  }

  /** What a consumer of this bus shares with it (kafka-consumer.ts). */
  private readonly consumerHost: ConsumerHost;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Leave every group first, so a restart of this role rejoins at once instead of waiting
    // for the session timeout.
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => {})));
    this.consumers.clear();
    await this.lease?.close();
    clearInterval(this.watchdog);
    await Promise.all([this.main.close(), this.pulse.close()]);
    this.setStatus('closed');
  }
}

function groupByTopic(records: OutgoingRecord[], nameOf: Record<TopicKey, string>) {
  const byTopic = new Map<string, { key: string; value: string | null }[]>();
  for (const r of records) {
    const name = nameOf[r.topic];
    let list = byTopic.get(name);
    if (!list) byTopic.set(name, (list = []));
    list.push({ key: r.key, value: r.value });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
