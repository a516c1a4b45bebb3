/**
 * Where a never-committing reader goes on, per partition. kafkajs starts a partition it is
 * assigned from the group's committed offset, and a group that never commits has none, so after
 * every rebalance (a member joining or leaving, the coordinator moving) it would start again at
 * the log's end, or its start: the records written during the rejoin were skipped, or the whole
 * log read again. This keeps the next offset of every partition the handler applied, so the
 * consumer can seek there when the partition is assigned again.
 */
export class ResumePoints {
  /** topic name → partition → the next offset to read */
  private readonly next = new Map<string, Map<number, string>>();

  /** Where to start `partition` when nothing of it was applied yet (its end when the reader subscribed). */
  startAt(topic: string, partition: number, offset: string): void {
    let partitions = this.next.get(topic);
    if (!partitions) this.next.set(topic, (partitions = new Map()));
    if (!partitions.has(partition)) partitions.set(partition, offset);
  }

  /** The handler applied every record of `partition` up to `lastOffset`. */
  applied(topic: string, partition: number, lastOffset: string): void {
    let partitions = this.next.get(topic);
    if (!partitions) this.next.set(topic, (partitions = new Map()));
    partitions.set(partition, (BigInt(lastOffset) + 1n).toString());
  }

  /** The seeks that resume `assignment` (topic name → partitions) where this process left it. */
  seeks(assignment: Record<string, number[]>): { topic: string; partition: number; offset: string }[] {
    return Object.entries(assignment).flatMap(([topic, partitions]) =>
      partitions.flatMap((partition) => {
        const offset = this.next.get(topic)?.get(partition);
        return offset === undefined ? [] : [{ topic, partition, offset }];
      }),
    );
  }
}
