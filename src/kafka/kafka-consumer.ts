import type { Consumer, Kafka } from './kafkajs.js';
import type { BusStatus, IncomingRecord, RecordHandler, SubscribeOptions, Subscription } from '../bus/bus.js';
import type { TopicKey } from '../bus/topics.js';
import type { EvchargeConfig } from '../config/schema.js';
import { ConfigError } from '../config/load-config.js';
import { NotLeaderError } from '../bus/leadership.js';
import { appendLog } from './kafka-log.js';
import { sessionRefusedText } from './kafka-errors.js';
import { brokerSessionRange } from './session-range.js';
import { OffsetCommitter } from './offset-committer.js';
import type { KafkaLease } from './lease.js';
import type { TransactionalLane } from './transactional-lane.js';
import { authorizationFailure, type RefusalReporter } from './access-refusals.js';
import { oneKeyAssigner } from './key-assigner.js';
import { ResumePoints } from './resume-points.js';

/**
 * Sets where each partition of `topics` ends now as `resume`'s starting points. Best effort: if the
 * cluster does not answer in time, kafkajs's own start (the end when it first fetches) stands.
 */
async function startAtEnds(host: ConsumerHost, topics: string[], resume: ResumePoints): Promise<void> {
  const admin = host.kafka.admin();
  try {
    await withTimeout(admin.connect(), host.config.requestTimeoutMs);
    for (const topic of topics) {
      for (const o of await withTimeout(admin.fetchTopicOffsets(topic), host.config.requestTimeoutMs)) resume.startAt(topic, o.partition, o.high);
    }
  } catch (e) {
    appendLog(host.logFile, 'could not read where a new reader starts; it starts where kafkajs first looks', { topics, error: (e as Error).message });
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** A batch handler running longer than this is logged (and again when it ends). */
const SLOW_BATCH_MS = 5_000;

/** What a consumer shares with the KafkaBus it belongs to. */
export interface ConsumerHost {
  kafka: Kafka;
  config: EvchargeConfig;
  logFile: string;
  nameOf: Record<TopicKey, string>;
  keyOf: Map<string, TopicKey>;
  /** The bus's live consumers: closing the bus disconnects them. */
  consumers: Set<Consumer>;
  refusals: RefusalReporter;
  setStatus(state: BusStatus['state'], detail?: string): void;
  closed(): boolean;
  /** Set once the bus campaigns for the lease: the active central then commits inside its transactions. */
  lease(): KafkaLease | null;
  txLane(): TransactionalLane | null;
}

/**
 * One subscription of a KafkaBus: a kafkajs consumer in its group, handing each batch over as
 * plain records and committing its offsets only once the handler has applied it.
 */
export async function startConsumer(host: ConsumerHost, options: SubscribeOptions, handler: RecordHandler): Promise<Subscription> {
  const commit = options.commit ?? true;
  const session = options.sessionTimeoutMs ?? host.config.sessionTimeoutMs;
  const consumer = host.kafka.consumer({
    groupId: options.group,
    sessionTimeout: session,
    rebalanceTimeout: session,
    heartbeatInterval: Math.min(1_000, Math.floor(session / 4)),
    // A fetch that finds nothing returns after this long; disconnect waits for it, so a long
    // wait would make every clean exit slow. Records still arrive at once when there are any.
    // kafkajs heartbeats between fetches: a short session needs a short wait.
    maxWaitTimeInMs: Math.min(1_000, Math.floor(session / 4)),
    // One key's reader is assigned only that key's partitions (a driver among thousands).
    ...(options.onlyKey !== undefined && { partitionAssigners: [oneKeyAssigner(options.onlyKey)] }),
    allowAutoTopicCreation: false,
    retry: {
      retries: Number.MAX_SAFE_INTEGER,
      initialRetryTime: host.config.retry.initialRetryTimeMs,
      maxRetryTime: host.config.retry.maxRetryTimeMs,
      // kafkajs restarts a crashed consumer on a timer that a disconnect racing the crash does
      // not always cancel: a closed subscription's consumer came back after an outage and
      // joined its group again, taking partitions it would never read.
      restartOnFailure: async (e: Error) => !closing && !host.closed() && authorizationFailure(e) === null,
    },
  });
  let closing = false;
  host.consumers.add(consumer);
  let markReady: () => void = () => {};
  let failReady: (e: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  // Refused before the caller awaits it (during run() below): not an unhandled rejection.
  ready.catch(() => {});
  // A group that never commits goes on after a rebalance where this process left each partition
  // (kafkajs would start it again at the log's end and skip what was written meanwhile).
  const resume = commit ? null : new ResumePoints();
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    // Emitted before the first fetch of the new assignment: the seeks apply to that fetch.
    if (resume) for (const seek of resume.seeks(e.payload.memberAssignment)) consumer.seek(seek);
    markReady();
    host.setStatus('connected');
  });
  consumer.on(consumer.events.FETCH, () => host.setStatus('connected'));
  consumer.on(consumer.events.CRASH, (e) => {
    const error = e.payload.error as Error & { type?: string };
    // kafkajs gives up on this one: only a setting can help, so say which.
    const refused = host.refusals.check(error, 'Read', () =>
      authorizationFailure(error) === 'GROUP' ? { resource: `group ${options.group}` } : host.refusals.topics(options.topics),
    );
    if (refused) failReady(refused);
    else if (error.type === 'INVALID_SESSION_TIMEOUT') {
      const key = options.sessionSettingKey ?? 'kafka.session_timeout_ms';
      void brokerSessionRange(host.kafka).then((range) => failReady(new ConfigError(sessionRefusedText(key, session, range))));
    } else host.setStatus('retrying', `consume: ${error.message}`);
  });
  consumer.on(consumer.events.REQUEST_TIMEOUT, () => host.setStatus('retrying', 'consume: request timed out'));

  // A new never-committing reader starts at the log's end as it is now, not as it is once kafkajs
  // gets to look (after the group join, when the caller already took the subscription as ready).
  if (resume && !options.fromBeginning) await startAtEnds(host, options.topics.map((k) => host.nameOf[k]), resume);
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics.map((k) => host.nameOf[k]), fromBeginning: options.fromBeginning ?? false });
  const committer = commit ? new OffsetCommitter() : null;
  await consumer.run({
    // Offsets are committed below, once the handler has applied the batch: one commit request
    // at a time per consumer, carrying every partition finished meanwhile (kafkajs's own
    // auto-commit sends one request per batch).
    autoCommit: false,
    // Batches of different partitions are handled concurrently (each partition stays in order),
    // so one batch's publish and commit round trips no longer hold up every other partition.
    partitionsConsumedConcurrently: Math.min(16, options.topics.reduce((n, k) => n + (host.config.topics[k]?.partitions ?? 1), 0)),
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, uncommittedOffsets, heartbeat, isRunning, isStale }) => {
      if (batch.messages.length === 0 || !isRunning() || isStale()) return;
      const topic = host.keyOf.get(batch.topic);
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
          appendLog(host.logFile, 'batch handler still running', { group: options.group, topic: batch.topic, partition: batch.partition, ms: Date.now() - startedAt });
        }
      }, 1000);
      try {
        await handler(records);
      } finally {
        clearInterval(beat);
        if (reported) appendLog(host.logFile, 'batch handler done', { group: options.group, topic: batch.topic, partition: batch.partition, ms: Date.now() - startedAt });
      }
      resolveOffset(batch.lastOffset());
      resume?.applied(batch.topic, batch.partition, batch.lastOffset());
      // Given explicit offsets (every resolved one, taken when the commit starts), kafkajs commits
      // them even while the consumer is stopping: a batch applied just before close() stays read.
      if (committer && host.lease()) {
        // The active central commits what it consumed inside its transactions, after the
        // records that answer it (the lane keeps that order): a fenced old active cannot move
        // the group's offsets either. Not awaited, so the next batch need not wait for a
        // transaction of offsets alone; a failed commit is carried by the next one, and a
        // central that dies first has its successor apply those records again (idempotently).
        const lane = host.txLane();
        if (!lane) throw new NotLeaderError('this central is not the active one');
        lane.commitOffsets(options.group, uncommittedOffsets().topics);
      } else if (committer) await committer.commit(() => commitOffsetsIfNecessary(uncommittedOffsets()));
      await heartbeat();
    },
  });
  const close = async () => {
    closing = true;
    if (!host.consumers.delete(consumer)) return;
    await consumer.disconnect().catch(() => {});
  };
  return { ready, close };
}
