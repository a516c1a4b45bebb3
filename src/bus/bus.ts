import type { Lease, LeaseOptions } from './leadership.js';
import type { TopicKey } from './topics.js';

/**
 * The small interface every role talks to. Two implementations sit behind it: the Kafka bus
 * (src/kafka/) and the in-process embedded bus (src/bus/embedded-bus.ts, for `demo` and unit tests).
 * Records carry JSON text; decoding and validation belong to the roles, so a malformed record
 * reaches them and is counted there instead of vanishing inside a transport.
 */
export interface OutgoingRecord {
  topic: TopicKey;
  /** CP id or driver id: records with one key stay in order. */
  key: string;
  /**
   * JSON text; null is a tombstone, which only cp-state carries: a forgotten CP, removed by
   * compaction (see roles/shared/tombstones.ts).
   */
  value: string | null;
}

export interface IncomingRecord {
  topic: TopicKey;
  key: string | null;
  value: string | null;
  partition: number;
  offset: string;
  /** Broker (or bus) timestamp, ms since the epoch. */
  timestamp: number;
}

export interface SubscribeOptions {
  /** Consumer group id, e.g. `central-group`. */
  group: string;
  topics: TopicKey[];
  /** Where a group with no committed offset starts. Default false: only new records. */
  fromBeginning?: boolean;
  /**
   * Default true: offsets are committed after the handler has applied a batch. False: the group
   * never commits, so every start re-reads from the beginning (used to rebuild state from a
   * compacted topic).
   */
  commit?: boolean;
  /**
   * How long a silent member keeps its partitions (Kafka's group session): a killed member's
   * successor waits this long. Default: the config's `kafka.session_timeout_ms`.
   */
  sessionTimeoutMs?: number;
  /** The setting `sessionTimeoutMs` comes from, named when the brokers refuse it. Default: `kafka.session_timeout_ms`. */
  sessionSettingKey?: string;
  /**
   * The handler wants the records of this record key only (a driver's own answers): a bus may
   * then read only the partitions that key lands on. Records of other keys may still arrive.
   */
  onlyKey?: string;
}

/** Gets records in order per partition; offsets are committed only after it resolves. */
export type RecordHandler = (records: IncomingRecord[]) => Promise<void>;

export interface Subscription {
  /** Resolves once the group has joined and partitions are assigned. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export type BusConnectionState = 'connecting' | 'connected' | 'retrying' | 'closed';

export interface BusStatus {
  state: BusConnectionState;
  /** Addresses this bus talks to (`embedded` for the in-process bus). */
  brokers: string[];
  /** Why it is retrying, when it is. */
  detail?: string;
  /** While retrying: when the cluster last answered (ms since the epoch), so screens count the silence live. */
  lastHeardAt?: number;
}

/**
 * The bus refused some records for good (too large for the broker, say): retrying cannot help.
 * Every other record of the publish went out; `rejected` lists the refused ones and why.
 */
export class PublishRejectedError extends Error {
  override readonly name = 'PublishRejectedError';
  constructor(readonly rejected: { record: OutgoingRecord; reason: string }[]) {
    super(`${rejected.length} record(s) refused: ${rejected[0]?.reason ?? ''}`);
  }
}

/**
 * The cluster refused this process something it needs, for good (no ACL allows it): retrying
 * cannot help. The message names the operation, the resource and the fix; the process stops with it.
 */
export class AccessRefusedError extends Error {
  override readonly name = 'AccessRefusedError';
  constructor(
    message: string,
    /** What was refused, for the audit trail: `Write` on `topic cp-commands`, by which user. */
    readonly refusal?: AccessRefusal,
  ) {
    super(message);
  }
}

export interface AccessRefusal {
  /** The SASL user the brokers refused; null without kafka.security. */
  user: string | null;
  /** `Write`, `Read`, `Describe or DescribeConfigs`. */
  operation: string;
  /** `topic cp-commands`, `group cp-CP1-group`, `the active central's transactional id`. */
  resource: string;
  /** The configured topics the refusal is about, when it is about topics. */
  topics?: TopicKey[];
}

export interface PublishOptions {
  /**
   * `pulse`: small records that say "still here" and are superseded by the next one (CP
   * heartbeats, central's ticks, and the fault/recover that must stay in order with them). They
   * travel apart from other records, so a record waiting for a new partition leader cannot hold
   * them back, and retry within a second. Duplicates are possible; order per key is kept.
   * The embedded bus (nothing to wait for) and the simulator's shared bus (one producer for
   * thousands of roles, measured for throughput) ignore it.
   */
  lane?: 'main' | 'pulse';
}

export interface Bus {
  publish(records: OutgoingRecord[], options?: PublishOptions): Promise<void>;
  subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<Subscription>;
  status(): BusStatus;
  onStatus(listener: (status: BusStatus) => void): () => void;
  /**
   * Joins the election for one active process (central). Once a bus has campaigned, its main-lane
   * publishes are refused with NotLeaderError unless this process is the active one.
   */
  lead(options: LeaseOptions): Promise<Lease>;
  /** Leaves every group and disconnects; safe to call twice. */
  close(): Promise<void>;
}
