import type { Admin, Kafka } from './kafkajs.js';
import { appendLog } from './kafka-log.js';

/** Java's String.hashCode (UTF-16 units), which Kafka uses to place a transactional id. */
export function javaHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The partition of `__transaction_state` (of `partitions`) that holds `transactionalId`: Kafka's Utils.abs(hashCode) % partitions. */
export function transactionPartitionFor(transactionalId: string, partitions: number): number {
  const h = javaHashCode(transactionalId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}

/** A transactional id on the same `__transaction_state` partition as `transactionalId`, so with the same coordinator. */
export function siblingTransactionalId(transactionalId: string, partitions: number): string {
  const target = transactionPartitionFor(transactionalId, partitions);
  for (let i = 0; ; i++) {
    const candidate = `${transactionalId}.nudge-${i}`;
    if (transactionPartitionFor(candidate, partitions) === target) return candidate;
  }
}

/**
 * Wakes a transaction coordinator that sits on a stuck transaction. After an outage of the whole
 * cluster, Kafka 4.x can leave the active central's last transaction in PREPARE_COMMIT: its
 * COMPLETE_COMMIT append failed while the ISR was short, and the coordinator retries that append
 * only when its marker thread next wakes up, which nothing of ours causes. Every init of the
 * transactional id meanwhile answers CONCURRENT_TRANSACTIONS (16-30 s and more were seen).
 * A small transaction of another id on the same coordinator (offsets only, for a group of its
 * own on the lease topic, which nobody reads) adds markers, which wakes the thread.
 */
export class CoordinatorNudge {
  private sibling: string | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly transactionalId: string,
    /** Any topic this central may commit offsets for: the lease topic. */
    private readonly topic: string,
    private readonly logFile: string,
  ) {}

  async run(): Promise<void> {
    const sibling = this.sibling ?? (this.sibling = siblingTransactionalId(this.transactionalId, await this.transactionPartitions()));
    const producer = this.kafka.producer({ transactionalId: sibling, maxInFlightRequests: 1, transactionTimeout: 10_000, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } });
    try {
      await producer.connect();
      const txn = await producer.transaction();
      await txn.sendOffsets({ consumerGroupId: sibling, topics: [{ topic: this.topic, partitions: [{ partition: 0, offset: '0' }] }] });
      await txn.commit();
      appendLog(this.logFile, 'nudged the transaction coordinator', { transactionalId: this.transactionalId, sibling });
    } finally {
      await producer.disconnect().catch(() => {});
    }
  }

  private async transactionPartitions(): Promise<number> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: ['__transaction_state'] });
      return meta.topics[0]?.partitions.length || 50;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
}
