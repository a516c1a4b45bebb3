import type {
  Bus,
  BusStatus,
  IncomingRecord,
  OutgoingRecord,
  RecordHandler,
  SubscribeOptions,
  Subscription,
} from './bus.js';
import { EmbeddedElection } from './embedded-election.js';
import type { Lease, LeaseOptions } from './leadership.js';
import { systemClock, type Clock } from './clock.js';
import { COMPACTED_TOPICS, TOPIC_KEYS, type TopicKey } from './topics.js';
import { TopicLog, type StoredRecord } from './topic-log.js';

export interface EmbeddedBusOptions {
  /** Stamps record timestamps; pass the tests' fake clock. */
  clock?: Clock;
  /** Most records handed to a handler at once. */
  maxBatch?: number;
  /** Records kept per non-compacted topic (oldest dropped first). */
  maxRecordsPerTopic?: number;
  /** Real-time delay before a batch whose handler threw is delivered again. */
  retryDelayMs?: number;
  /** Told when a handler throws (the batch is then redelivered). */
  onHandlerError?: (error: unknown, group: string) => void;
}

interface Member {
  group: Group;
  topics: TopicKey[];
  handler: RecordHandler;
  commit: boolean;
  fromBeginning: boolean;
  /** Next offset to deliver, per topic; set when the member becomes the group's active one. */
  positions: Map<TopicKey, number> | null;
  running: boolean;
  scheduled: boolean;
  retrying: boolean;
  closed: boolean;
}

interface Group {
  id: string;
  committed: Map<TopicKey, number>;
  members: Member[];
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The Bus in one process, with Kafka's semantics where the roles can see them: per-topic logs
 * (so fromBeginning works), consumer groups with offsets committed only after the handler
 * resolves, every group gets every record, one active member per group (one partition), and
 * asynchronous delivery in publish order. Used by `demo` and the unit tests.
 */
export class EmbeddedBus implements Bus {
  private readonly logs = new Map<TopicKey, TopicLog>();
  private readonly groups = new Map<string, Group>();
  private readonly statusListeners = new Set<(s: BusStatus) => void>();
  private readonly clock: Clock;
  private readonly maxBatch: number;
  private readonly retryDelayMs: number;
  private seq = 0;
  private closed = false;
  /** Central's election; public so unit tests can hand the lease over. */
  readonly election = new EmbeddedElection();

  constructor(private readonly options: EmbeddedBusOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxBatch = options.maxBatch ?? 500;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    for (const topic of TOPIC_KEYS) {
      this.logs.set(topic, new TopicLog(topic, COMPACTED_TOPICS.has(topic), options.maxRecordsPerTopic ?? 200_000));
    }
  }

  async publish(records: OutgoingRecord[]): Promise<void> {
    if (this.closed) throw new Error('embedded bus is closed');
    const touched = new Set<TopicKey>();
    const now = this.clock.now();
    for (const r of records) {
      const log = this.logs.get(r.topic);
      if (!log) throw new Error(`unknown topic ${String(r.topic)}`);
      log.append(r.key, r.value, now, this.seq++);
      touched.add(r.topic);
    }
    for (const group of this.groups.values()) {
      const active = activeMember(group);
      if (active && active.topics.some((t) => touched.has(t))) this.schedule(active);
    }
  }

  async subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<Subscription> {
    if (this.closed) throw new Error('embedded bus is closed');
    let group = this.groups.get(options.group);
    if (!group) {
      group = { id: options.group, committed: new Map(), members: [] };
      this.groups.set(options.group, group);
    }
    const member: Member = {
      group,
      topics: [...new Set(options.topics)],
      handler,
      commit: options.commit ?? true,
      fromBeginning: options.fromBeginning ?? false,
      positions: null,
      running: false,
      scheduled: false,
      retrying: false,
      closed: false,
    };
    group.members.push(member);
    if (activeMember(group) === member) this.activate(member);
    return {
      ready: Promise.resolve(),
      close: async () => this.leave(member),
    };
  }

  status(): BusStatus {
    return { state: this.closed ? 'closed' : 'connected', brokers: ['embedded'] };
  }

  async lead(options: LeaseOptions): Promise<Lease> {
    return this.election.campaign(options, () => this.clock.now());
  }

  onStatus(listener: (status: BusStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) for (const m of group.members) m.closed = true;
    for (const listener of this.statusListeners) listener(this.status());
  }

  /** Every record of a topic still in the log (tests assert on what was published). */
  read(topic: TopicKey): IncomingRecord[] {
    return (this.logs.get(topic)?.all() ?? []).map(({ seq: _s, numericOffset: _o, ...r }) => r);
  }

  /** Resolves once every active member has caught up and no handler is running. */
  async idle(maxTurns = 100_000): Promise<void> {
    let quietTurns = 0;
    for (let i = 0; i < maxTurns && quietTurns < 2; i++) {
      await tick();
      quietTurns = this.isQuiet() ? quietTurns + 1 : 0;
    }
  }

  private isQuiet(): boolean {
    for (const group of this.groups.values()) {
      const m = activeMember(group);
      if (!m || m.retrying) continue;
      if (m.running || m.scheduled || this.pending(m).length > 0) return false;
    }
    return true;
  }

  private activate(member: Member): void {
    const { group } = member;
    member.positions = new Map(
      member.topics.map((t) => {
        const committed = member.commit ? group.committed.get(t) : undefined;
        const log = this.logs.get(t)!;
        return [t, committed ?? (member.fromBeginning ? 0 : log.endOffset)];
      }),
    );
    this.schedule(member);
  }

  private leave(member: Member): void {
    if (member.closed) return;
    const wasActive = activeMember(member.group) === member;
    member.closed = true;
    member.group.members = member.group.members.filter((m) => m !== member);
    const next = activeMember(member.group);
    if (wasActive && next) this.activate(next);
  }

  private schedule(member: Member): void {
    if (member.scheduled || member.running || member.retrying || member.closed) return;
    member.scheduled = true;
    setImmediate(() => {
      member.scheduled = false;
      void this.pump(member);
    });
  }

  private pending(member: Member): StoredRecord[] {
    if (!member.positions) return [];
    const batch: StoredRecord[] = [];
    for (const topic of member.topics) {
      batch.push(...this.logs.get(topic)!.readFrom(member.positions.get(topic) ?? 0, this.maxBatch));
    }
    return batch.sort((a, b) => a.seq - b.seq).slice(0, this.maxBatch);
  }

  private async pump(member: Member): Promise<void> {
    if (member.running || member.closed || this.closed) return;
    member.running = true;
    try {
      for (;;) {
        if (member.closed || this.closed || activeMember(member.group) !== member) return;
        const batch = this.pending(member);
        if (batch.length === 0) return;
        try {
          await member.handler(batch.map(({ seq: _s, numericOffset: _o, ...r }) => r));
        } catch (error) {
          this.options.onHandlerError?.(error, member.group.id);
          member.retrying = true;
          setTimeout(() => {
            member.retrying = false;
            this.schedule(member);
          }, this.retryDelayMs);
          return;
        }
        if (member.closed) return;
        for (const r of batch) member.positions!.set(r.topic, r.numericOffset + 1);
        if (member.commit) for (const [t, o] of member.positions!) member.group.committed.set(t, o);
      }
    } finally {
      member.running = false;
    }
  }
}

function activeMember(group: Group): Member | undefined {
  return group.members.find((m) => !m.closed);
}
