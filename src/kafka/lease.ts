import type { Lease, LeaseOptions, LeaseStatus } from '../bus/leadership.js';
import { AssignerProtocol, type Consumer, type Kafka, type PartitionAssigner } from './kafkajs.js';
import { appendLog } from './kafka-log.js';
import { sessionRefusedText } from './kafka-errors.js';
import { brokerSessionRange } from './session-range.js';
import { decodeClaim, encodeClaim, pickActive, type LeaseClaim } from './lease-claim.js';

export interface LeaseHooks {
  /** Won the lease: fence every earlier active (the transactional producer's first init). */
  elect(): Promise<void>;
  /** Lost it, or left: stop publishing as the active one. */
  depose(): Promise<void>;
  /** Whether most of the cluster's brokers answer right now (a metadata request, within a second or so). */
  clusterAnswers(): Promise<boolean>;
  /**
   * Whether `error` is the brokers refusing this central for good (no ACL for the lease group or
   * topic, or for the transactional id): then it is reported, and the election is not tried again.
   */
  refused?(error: unknown, during: 'lease' | 'fence'): boolean;
}

/**
 * The election on Kafka: every central joins one consumer group subscribed to a one-partition
 * topic that nobody writes, and the member assigned partition 0 is the active one. Kafka's group
 * protocol does the failure detection (a killed member's session ends after `sessionTimeoutMs`),
 * and our assigner (`pickActive`) keeps the lease where it is across rebalances. The lease alone
 * cannot stop an active that was paused and wakes up still believing it leads: the transactional
 * producer's fencing does that (see transactional-lane.ts); `fresh()` tells that producer whether
 * it may initialise itself again after an error, which would fence whoever leads now.
 */
export class KafkaLease implements Lease {
  private current: LeaseStatus;
  private readonly listeners = new Set<(s: LeaseStatus) => void>();
  private consumer: Consumer | null = null;
  private activeSince: number | null = null;
  /**
   * When the group coordinator last confirmed this member (a heartbeat or a join answered); the
   * watchdog also moves it on when it acts, so it acts once per two sessions at most.
   */
  private confirmedAt = 0;
  /** When the group coordinator last confirmed this member, and only that. */
  private heardAt = 0;
  private holds = false;
  /** When the group announced the rebalance this member is still joining, if it is. */
  private rebalancingSince: number | null = null;
  private closed = false;
  private rejoining = false;
  /** Lease consumers started so far (each one's claim carries its number). */
  private joins = 0;
  private watchdog: NodeJS.Timeout | null = null;
  /** Serialises elect/depose so a quick win-lose-win is applied in order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: LeaseOptions,
    private readonly topic: string,
    private readonly hooks: LeaseHooks,
    private readonly logFile: string,
  ) {
    this.current = { role: 'campaigning', since: Date.now(), reason: 'joining the election' };
  }

  status(): LeaseStatus {
    return this.current;
  }

  onChange(listener: (s: LeaseStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Active and confirmed by the coordinator within half a session: nobody else can have been
   * given the lease since (that needs this member's session to have ended first).
   */
  fresh(): boolean {
    return this.current.role === 'active' && this.holds && Date.now() - this.heardAt < this.options.sessionTimeoutMs / 2;
  }

  async start(): Promise<void> {
    this.confirmedAt = Date.now();
    await this.join();
    // kafkajs keeps asking the coordinator it knows; one on a machine that went silent (cut off,
    // not down) answers nothing, and the member would wait for ever instead of finding the new
    // coordinator. Unconfirmed for two sessions: leave and join again with a fresh consumer.
    const s = this.options.sessionTimeoutMs;
    this.watchdog = setInterval(() => {
      if (this.closed || this.rejoining || Date.now() - this.confirmedAt < 2 * s) return;
      appendLog(this.logFile, 'lease not confirmed; joining again', { silentMs: Date.now() - this.confirmedAt, rebalancingMs: this.rebalancingSince === null ? null : Date.now() - this.rebalancingSince });
      const firedAt = Date.now();
      this.confirmedAt = firedAt;
      this.rejoining = true;
      const reason = `the lease group has not answered for ${Math.round((2 * s) / 1000)} s`;
      this.enqueue(async () => {
        try {
          // kafkajs found the group again while this step waited its turn (a coordinator that
          // moved, then a rejoin of its own): the lease is confirmed, nothing to do. Stepping
          // down here turned a broker failover into a takeover of this central by itself.
          if (this.heardAt >= firedAt) {
            appendLog(this.logFile, 'lease confirmed again; staying as it is', { role: this.current.role });
            return;
          }
          // Only the group's coordinator is silent while the rest of the cluster answers (its
          // broker died and its partitions are moving): join again but stay active. Stepping down
          // here turned every broker failover into a takeover; staying is safe, as a successor's
          // first init fences this central's next write, and an unconfirmed lease is never fresh.
          // Nothing answers, or only a minority (an outage; cut off with the broker on this
          // central's own machine): step down as well.
          const keep = this.current.role === 'active' && (await this.hooks.clusterAnswers());
          appendLog(this.logFile, keep ? 'lease: the cluster answers; rejoining as the active one' : 'lease: stepping down to rejoin', { reason });
          await this.rejoin(reason, keep);
        } finally {
          this.rejoining = false;
        }
      });
    }, Math.max(250, Math.floor(s / 2)));
    this.watchdog.unref();
  }

  private async join(): Promise<void> {
    const s = this.options.sessionTimeoutMs;
    const consumer = this.kafka.consumer({
      groupId: this.options.group,
      sessionTimeout: s,
      rebalanceTimeout: s,
      heartbeatInterval: Math.max(100, Math.floor(s / 6)),
      // Nothing is ever written to the lease topic: a short fetch wait keeps the heartbeat (sent
      // between fetches) on time.
      maxWaitTimeInMs: Math.max(100, Math.floor(s / 6)),
      allowAutoTopicCreation: false,
      partitionAssigners: [this.assigner(++this.joins)],
      // A consumer replaced by rejoin() must not come back by itself (see current() below).
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 1000, restartOnFailure: async (e: Error) => current() && !this.hooks.refused?.(e, 'lease') },
    });
    this.consumer = consumer;
    // A consumer given up on by rejoin() may live on in kafkajs's crash-and-restart loop and join
    // the group again later, as a second member with this central's claim, and be handed the
    // lease that no code of this central then holds. Only the current consumer speaks for the
    // lease; a stale one that joins is told to leave again.
    const current = () => this.consumer === consumer && !this.closed;
    // A heartbeat confirms the lease only while no rebalance is pending: once the group announced
    // one, only the join that ends it does. A member whose join never came back (seen on the
    // namespace hosts: heartbeats answered, no assignment, for 60 s) used to count as confirmed
    // by those heartbeats, and the watchdog never acted: the standby never took over.
    this.rebalancingSince = null;
    consumer.on(consumer.events.REBALANCING, () => {
      if (current()) this.rebalancingSince ??= Date.now();
    });
    consumer.on(consumer.events.HEARTBEAT, () => {
      if (current() && this.rebalancingSince === null) this.confirmed();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      if (!current()) return;
      const error = e.payload.error as Error & { type?: string };
      if (this.hooks.refused?.(error, 'lease')) return this.set('failed', error.message);
      if (error.type !== 'INVALID_SESSION_TIMEOUT') return;
      // kafkajs gives up on this one: the setting must change, so say which and how.
      void brokerSessionRange(this.kafka).then((range) => this.set('failed', sessionRefusedText('central.takeover_timeout_ms', this.options.sessionTimeoutMs, range)));
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      if (!current()) {
        appendLog(this.logFile, 'lease: a replaced consumer joined again; making it leave', { memberId: e.payload.memberId });
        void consumer.disconnect().catch(() => {});
        return;
      }
      this.rebalancingSince = null;
      this.confirmed();
      const assigned = (e.payload.memberAssignment[this.topic] ?? []).includes(0);
      this.holds = assigned;
      appendLog(this.logFile, 'lease join', { group: this.options.group, assigned, memberId: e.payload.memberId });
      if (assigned && this.current.role !== 'active') this.enqueue(() => this.win());
      if (!assigned && this.current.role !== 'standby') this.enqueue(() => this.lose('another central is active'));
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    await consumer.run({ eachMessage: async () => {} });
  }

  private confirmed(): void {
    const gap = Date.now() - this.heardAt;
    if (this.heardAt > 0 && gap > this.options.sessionTimeoutMs) appendLog(this.logFile, 'lease confirmed after a gap', { ms: gap, role: this.current.role });
    this.heardAt = this.confirmedAt = Date.now();
  }

  private assigner(consumerSeq: number): PartitionAssigner {
    const topic = this.topic;
    const claim = (): LeaseClaim => ({ ...this.options.identity, activeSince: this.activeSince, consumerSeq });
    return () => ({
      name: 'EvchargeLeaseAssigner',
      version: 1,
      async assign({ members }) {
        const decoded = members.map((m) => ({
          memberId: m.memberId,
          claim: decodeClaim(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData),
        }));
        const winner = pickActive(decoded);
        return members.map((m) => ({
          memberId: m.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment: m.memberId === winner ? { [topic]: [0] } : {},
            userData: Buffer.alloc(0),
          }),
        }));
      },
      protocol({ topics }) {
        return { name: 'EvchargeLeaseAssigner', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: encodeClaim(claim()) }) };
      },
    });
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((e) => appendLog(this.logFile, 'lease step failed', { error: String(e) }));
  }

  private async win(): Promise<void> {
    if (this.closed || !this.holds || this.current.role === 'active') return;
    try {
      await this.hooks.elect();
    } catch (e) {
      if (this.hooks.refused?.(e, 'fence')) return this.set('failed', (e as Error).message);
      // Could not fence (the cluster went away meanwhile): give the lease back and campaign again.
      appendLog(this.logFile, 'lease fence failed', { error: String(e) });
      await this.rejoin(`could not take over: ${(e as Error).message}`);
      return;
    }
    if (this.closed) return;
    this.activeSince = Date.now();
    this.set('active', 'elected');
  }

  private async lose(reason: string): Promise<void> {
    if (this.current.role === 'active') await this.hooks.depose();
    this.activeSince = null;
    this.set('standby', reason);
  }

  /**
   * The active producer was fenced while the lease could not be confirmed (a pause, a cut-off,
   * an outage): step down, and leave and rejoin the group so the lease is given out afresh
   * (to this member again if nobody else is there).
   */
  stepDown(reason: string): void {
    this.enqueue(() => this.rejoin(reason));
  }

  private async rejoin(reason: string, keepActive = false): Promise<void> {
    if (this.closed) return;
    this.rejoining = true;
    try {
      if (!keepActive) await this.lose(reason);
      this.holds = false;
      const old = this.consumer;
      this.consumer = null;
      // A consumer stuck on a silent broker may take long to leave: do not wait for it.
      await Promise.race([old?.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);
      if (!this.closed) await this.join().catch((e) => appendLog(this.logFile, 'lease rejoin failed', { error: String(e) }));
      this.confirmedAt = Date.now();
    } finally {
      this.rejoining = false;
    }
  }

  private set(role: LeaseStatus['role'], reason: string): void {
    if (this.current.role === 'closed' || this.current.role === 'failed') return;
    if (this.current.role === role && this.current.reason === reason) return;
    this.current = { role, since: Date.now(), reason };
    appendLog(this.logFile, `lease ${role}`, { reason });
    for (const l of this.listeners) l(this.current);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await this.chain;
    if (this.current.role === 'active') await this.hooks.depose().catch(() => {});
    this.set('closed', 'left the election');
    await this.consumer?.disconnect().catch(() => {});
    this.consumer = null;
  }
}
