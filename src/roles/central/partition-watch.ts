/**
 * Longest wait for a partition that never ticks (more partitions than the tick keys reach, say)
 * before CPs not heard from are judged anyway.
 */
const UNHEARD_GRACE_MS = 30_000;

/**
 * Whether records on each `health` partition are reaching central right now, judged by central's
 * own ticks (see central.ts): a tick published every second lands on every partition, and while
 * a partition's ticks are not coming back, its CPs' silence says nothing about the CPs. A broker
 * failover or a whole-cluster outage then pauses disconnect decisions instead of ending every
 * supply on the stalled partitions.
 */
export class PartitionWatch {
  private readonly lastTickAt = new Map<number, number>();
  /** When ticks came back on a partition after a stall. */
  private readonly resumedAt = new Map<number, number>();
  /** One tick key index known to land on each partition (learned from ticks coming back). */
  private readonly keyFor = new Map<number, number>();
  private ticksSent = 0;
  private reportedStalls = '';

  /** When a CP not heard from yet was first asked about (see stalled). */
  private askedAt: number | null = null;

  constructor(
    readonly stallAfterMs: number,
    /** Keys tried when learning: 64 reach every partition of topics with up to 17. */
    private readonly allKeys = 64,
    /**
     * The health topic's partitions, when known. Until every one of them has ticked (or for
     * UNHEARD_GRACE_MS at most), the partition of a CP not heard from yet may be the one that is
     * not flowing: nothing is decided about such a CP.
     */
    readonly partitionCount?: number,
    /**
     * A gap between ticks longer than this is an outage of the partition after which its CPs get
     * a full timeout again (their heartbeats may find the partition's new leader later than
     * central's ticks do). Shorter gaps, longer than the stall threshold, are a slow partition
     * (a tick's publish taking 2 s): counting each as an outage made its CPs' silence count from
     * every tick, and a CP of it that had gone was never judged. Default: the stall threshold.
     */
    readonly outageAfterMs: number = stallAfterMs,
  ) {}

  /** The same watch, knowing nothing yet (a new term of office). */
  renewed(): PartitionWatch {
    return new PartitionWatch(this.stallAfterMs, this.allKeys, this.partitionCount, this.outageAfterMs);
  }

  tick(partition: number, index: number, now: number): void {
    const last = this.lastTickAt.get(partition);
    if (last !== undefined && now - last > this.outageAfterMs) this.resumedAt.set(partition, now);
    this.lastTickAt.set(partition, now);
    if (!this.keyFor.has(partition)) this.keyFor.set(partition, index);
  }

  /**
   * Tick key indexes to publish now, in groups sent each on its own: one known key per known
   * partition, alone; and every 30th time (or until any is known) all the other keys together,
   * so partitions added later are found too.
   */
  nextTicks(): number[][] {
    const learn = this.keyFor.size === 0 || this.ticksSent++ % 30 === 0;
    const known = [...this.keyFor.values()];
    const groups = known.map((i) => [i]);
    if (!learn) return groups;
    const rest = Array.from({ length: this.allKeys }, (_, i) => i).filter((i) => !known.includes(i));
    return rest.length > 0 ? [...groups, rest] : groups;
  }

  /**
   * Stalled: ticks seen on it before, none lately. A partition never ticked is judged as usual.
   * Unknown (a CP not heard from since this central started or took over): stalled while every
   * partition is, or while some partition has not ticked yet.
   */
  stalled(partition: number | undefined, now: number): boolean {
    if (partition === undefined) return this.allStalled(now) || this.someUnheard(now);
    const at = this.lastTickAt.get(partition);
    return at !== undefined && now - at > this.stallAfterMs;
  }

  /**
   * Since when the partition has been flowing, if it stalled before: CPs' silence is counted
   * from then. Ticks and heartbeats come back from a failover a little apart (each producer
   * finds the new leader on its own), so a CP must not be judged by the time its partition
   * was away.
   */
  flowingSince(partition: number | undefined): number | undefined {
    if (partition !== undefined) return this.resumedAt.get(partition);
    let latest: number | undefined;
    for (const at of this.resumedAt.values()) if (latest === undefined || at > latest) latest = at;
    return latest;
  }

  private someUnheard(now: number): boolean {
    if (this.partitionCount === undefined || this.lastTickAt.size >= this.partitionCount) return false;
    this.askedAt ??= now;
    return now - this.askedAt < UNHEARD_GRACE_MS;
  }

  /** When central's own tick last came back on this partition. */
  lastTick(partition: number): number | undefined {
    return this.lastTickAt.get(partition);
  }

  /** The partitions that ticked before and have not lately, in order. */
  stalledPartitions(now: number): number[] {
    return [...this.lastTickAt].filter(([, at]) => now - at > this.stallAfterMs).map(([p]) => p).sort((a, b) => a - b);
  }

  /** The stalled partitions when they differ from the last call's answer, else null. */
  takeStallChange(now: number): number[] | null {
    const stalled = this.stalledPartitions(now);
    const key = stalled.join(',');
    if (key === this.reportedStalls) return null;
    this.reportedStalls = key;
    return stalled;
  }

  /** Every partition that ever ticked has stopped: central hears nothing at all. */
  allStalled(now: number): boolean {
    if (this.lastTickAt.size === 0) return false;
    for (const at of this.lastTickAt.values()) if (now - at <= this.stallAfterMs) return false;
    return true;
  }
}
