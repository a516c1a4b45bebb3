import type { OutgoingRecord } from '../bus/bus.js';
import type { EvchargeConfig } from '../config/schema.js';
import { createKafka, type ClientIdentity } from './kafka-client.js';
import { appendLog } from './kafka-log.js';

/**
 * Publishes a few records with a producer of their own, best-effort, within `timeoutMs`: for a
 * process about to exit (a role the brokers refused something writes that on the audit trail).
 * Its own producer, not the role's bus: the bus may be the central's transactional lane, or busy
 * retrying the very batch that was refused. Resolves true once the brokers have them, false on
 * any failure or at the timeout (the producer is then left to the exit); never throws.
 */
export async function publishOnce(config: EvchargeConfig, who: ClientIdentity, records: OutgoingRecord[], timeoutMs: number): Promise<boolean> {
  const { kafka, logFile } = createKafka(config, who, { requestTimeoutMs: timeoutMs, connectionTimeoutMs: Math.min(config.connectionTimeoutMs, timeoutMs) });
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false, retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 } });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  const send = (async () => {
    await producer.connect();
    const byTopic = new Map<string, { key: string; value: string | null }[]>();
    for (const r of records) {
      const name = config.topics[r.topic].name;
      byTopic.set(name, [...(byTopic.get(name) ?? []), { key: r.key, value: r.value }]);
    }
    await producer.sendBatch({ acks: -1, timeout: timeoutMs, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    return true;
  })().catch((error: unknown) => {
    appendLog(logFile, 'a last publish before exit failed', { error: String(error), topics: records.map((r) => r.topic) });
    return false;
  });
  try {
    return await Promise.race([send, timeout]);
  } finally {
    clearTimeout(timer);
    // Disconnecting waits for nothing in flight that matters; bounded all the same.
    await Promise.race([producer.disconnect().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
  }
}
