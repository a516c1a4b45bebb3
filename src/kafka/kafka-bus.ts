import type { Consumer, Kafka } from './kafkajs.js';
import { PublishRejectedError, type AccessRefusedError, type Bus, type BusStatus, type IncomingRecord, type OutgoingRecord, type PublishOptions, type RecordHandler, type SubscribeOptions, type Subscription } from '../bus/bus.js';
import type { TopicKey } from '../bus/topics.js';
import type { EvchargeConfig } from '../config/schema.js';
import { appendLog } from './kafka-log.js';
import { isRetriable, isSequenceError, isSizeError, sessionRefusedText } from './kafka-errors.js';
import { brokerSessionRange } from './session-range.js';
import { ConfigError } from '../config/load-config.js';
import { OffsetCommitter } from './offset-committer.js';
import { ProducerLane } from './producer-lane.js';
import { NotLeaderError, type Lease, type LeaseOptions } from '../bus/leadership.js';
import { createKafka } from './kafka-client.js';
import { KafkaLease } from './lease.js';
import { TransactionalLane } from './transactional-lane.js';
import { CoordinatorNudge } from './coordinator-nudge.js';
import type { ClientIdentity } from './kafka-client.js';
import { authorizationFailure, RefusalReporter } from './access-refusals.js';

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
/** A batch handler running longer than this is logged (and again when it ends). */
const SLOW_BATCH_MS = 5_000;

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
    private readonly kafka: Kafka,
    private readonly config: EvchargeConfig,
    private readonly logFile: string,
    private readonly options: KafkaBusOptions = {},
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

  async subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<Subscription> {
    const commit = options.commit ?? true;
    const session = options.sessionTimeoutMs ?? this.config.sessionTimeoutMs;
    const consumer = this.kafka.consumer({
      groupId: options.group,
      sessionTimeout: session,
      rebalanceTimeout: session,
      heartbeatInterval: Math.min(1_000, Math.floor(session / 4)),
      // A fetch that finds nothing returns after this long; disconnect waits for it, so a long
      // wait would make every clean exit slow. Records still arrive at once when there are any.
      // kafkajs heartbeats between fetches: a short session needs a short wait.
      maxWaitTimeInMs: Math.min(1_000, Math.floor(session / 4)),
      allowAutoTopicCreation: false,
      retry: {
        retries: Number.MAX_SAFE_INTEGER,
        initialRetryTime: this.config.retry.initialRetryTimeMs,
        maxRetryTime: this.config.retry.maxRetryTimeMs,
        // kafkajs restarts a crashed consumer on a timer that a disconnect racing the crash does
        // not always cancel: a closed subscription's consumer came back after an outage and
        // joined its group again, taking partitions it would never read.
        restartOnFailure: async (e: Error) => !closing && !this.closed && authorizationFailure(e) === null,
      },
    });
    let closing = false;
    this.consumers.add(consumer);
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    // Refused before the caller awaits it (during run() below): not an unhandled rejection.
    ready.catch(() => {});
    consumer.on(consumer.events.GROUP_JOIN, () => {
      markReady();
      this.setStatus('connected');
    });
    consumer.on(consumer.events.FETCH, () => this.setStatus('connected'));
    consumer.on(consumer.events.CRASH, (e) => {
      const error = e.payload.error as Error & { type?: string };
      // kafkajs gives up on this one: only a setting can help, so say which.
      const refused = this.refusals.check(error, 'Read', () =>
        authorizationFailure(error) === 'GROUP' ? { resource: `group ${options.group}` } : this.refusals.topics(options.topics),
      );
      if (refused) failReady(refused);
      else if (error.type === 'INVALID_SESSION_TIMEOUT') {
        const key = options.sessionSettingKey ?? 'kafka.session_timeout_ms';
        void brokerSessionRange(this.kafka).then((range) => failReady(new ConfigError(sessionRefusedText(key, session, range))));
      } else this.setStatus('retrying', `consume: ${error.message}`);
    });
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
        // kafkajs heartbeats only between batches: a handler waiting for a publish through a
        // failover would let the group session lapse and lose the consumer its partitions.
        const startedAt = Date.now();
        let reported = false;
        const beat = setInterval(() => {
          void heartbeat().catch(() => {});
          // Every partition this consumer fetches from the same broker waits for this batch.
          if (!reported && Date.now() - startedAt > SLOW_BATCH_MS) {
            reported = true;
            appendLog(this.logFile, 'batch handler still running', { group: options.group, topic: batch.topic, partition: batch.partition, ms: Date.now() - startedAt });
          }
        }, 1000);
        try {
          await handler(records);
        } finally {
          clearInterval(beat);
          if (reported) appendLog(this.logFile, 'batch handler done', { group: options.group, topic: batch.topic, partition: batch.partition, ms: Date.now() - startedAt });
        }
        resolveOffset(batch.lastOffset());
        // Given explicit offsets (every resolved one, taken when the commit starts), kafkajs commits
        // them even while the consumer is stopping: a batch applied just before close() stays read.
        if (committer && this.lease) {
          // The active central commits what it consumed inside its transactions, after the
          // records that answer it (the lane keeps that order): a fenced old active cannot move
          // the group's offsets either. Not awaited, so the next batch need not wait for a
          // transaction of offsets alone; a failed commit is carried by the next one, and a
          // central that dies first has its successor apply those records again (idempotently).
          const lane = this.txLane;
          if (!lane) throw new NotLeaderError('this central is not the active one');
          lane.commitOffsets(options.group, uncommittedOffsets().topics);
        } else if (committer) await committer.commit(() => commitOffsetsIfNecessary(uncommittedOffsets()));
        await heartbeat();
      },
    });
    const close = async () => {
      closing = true;
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

/** How long the cluster probe waits for a verdict, past the connection timeout. */
const PROBE_GRACE_MS = 2000;

/**
 * A probe's error that says the broker cannot be reached (refused, reset, or no connection within
 * the connection timeout), as opposed to one that answers slowly.
 */
export function unreachable(error: unknown): boolean {
  for (let e = error as { name?: string; originalError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSConnectionClosedError') return true;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return false;
}

/**
 * Whether the cluster can be reached: false only when most bootstrap brokers cannot be connected
 * to (each is asked on its own client, so a dead one cannot hide a live one). A broker that takes
 * its connection and answers late is slow, not gone: under load (40 processes on 2 cores while a
 * broker failed over) the two live brokers' answers came after 1.5 s, and after 3 s, and each
 * time the active central stepped down for nothing and took over again, a 20 s stall. A machine
 * that is cut off cannot connect at all, and gets its verdict at the connection timeout.
 */
export async function clusterAnswers(config: EvchargeConfig, logFile: string): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  // A majority, not any one: a central cut off together with the broker on its own machine still
  // hears that broker, which is cut off too.
  const n = config.brokers.length;
  const needed = Math.floor(n / 2) + 1;
  const heard: Record<string, string> = {};
  return new Promise<boolean>((resolve) => {
    let answered = 0;
    let gone = 0;
    let done = false;
    const verdict = (v: boolean) => {
      if (done) return;
      done = true;
      appendLog(logFile, 'cluster probe', { reachable: v, brokers: heard });
      resolve(v);
    };
    timer = setTimeout(() => verdict(gone <= n - needed), config.connectionTimeoutMs + PROBE_GRACE_MS);
    for (const broker of config.brokers) {
      heard[broker] = 'no answer yet';
      // No retries: the client's own retrier would try a refused connection again for as long as the
      // probe waits.
      const { kafka } = createKafka({ ...config, brokers: [broker], retry: { ...config.retry, retries: 0 } }, { role: 'central', id: 'probe' }, { requestTimeoutMs: config.connectionTimeoutMs + PROBE_GRACE_MS, logFile });
      const admin = kafka.admin({ retry: { retries: 0 } });
      // Connecting is asking: the client connects to its one broker and asks it which API
      // versions it serves. Not a metadata request: kafkajs sends that to any broker it has
      // heard of, and a dead one then failed the live broker's probe.
      admin
        .connect()
        .then(
          () => {
            heard[broker] = 'answered';
            if (++answered >= needed) verdict(true);
          },
          (e: unknown) => {
            // A refusal is an answer: the broker is there.
            if ((e as Error).name === 'KafkaJSProtocolError') {
              heard[broker] = `answered: ${(e as Error).message}`;
              if (++answered >= needed) verdict(true);
              return;
            }
            const down = unreachable(e);
            heard[broker] = `${down ? 'gone' : 'slow'}: ${(e as Error).name}: ${(e as Error).message}`;
            if (down && ++gone > n - needed) verdict(false);
          },
        )
        .finally(() => void admin.disconnect().catch(() => {}));
    }
  }).finally(() => clearTimeout(timer));
}
