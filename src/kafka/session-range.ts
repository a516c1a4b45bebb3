import { ConfigResourceTypes, type Kafka } from './kafkajs.js';
import type { SessionRange } from './kafka-errors.js';

/**
 * Asks a broker which consumer session timeouts it allows, for the message that names them; null
 * when it cannot tell within `timeoutMs` (the message then gives Kafka's defaults).
 */
export async function brokerSessionRange(kafka: Kafka, timeoutMs = 5000): Promise<SessionRange | null> {
  const admin = kafka.admin({ retry: { retries: 1 } });
  const ask = async (): Promise<SessionRange | null> => {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    const id = brokers[0]?.nodeId;
    if (id === undefined) return null;
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(id), configNames: ['group.min.session.timeout.ms', 'group.max.session.timeout.ms'] }],
    });
    const entries = resources[0]?.configEntries ?? [];
    const value = (name: string) => Number(entries.find((e) => e.configName === name)?.configValue);
    const range = { minMs: value('group.min.session.timeout.ms'), maxMs: value('group.max.session.timeout.ms') };
    return Number.isFinite(range.minMs) && Number.isFinite(range.maxMs) ? range : null;
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([ask(), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)))]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    void admin.disconnect().catch(() => {});
  }
}
