import type { TopicKey } from '../bus/topics.js';
import type { EvchargeConfig } from '../config/schema.js';
import { topicEndOffsets } from './doctor/group-lag.js';
import { createKafka, type ClientIdentity } from './kafka-client.js';

/** Where each partition of a topic ends now (its next offset), for a reader that stops at the end. */
export async function topicEnds(config: EvchargeConfig, who: ClientIdentity, topic: TopicKey): Promise<Map<number, number>> {
  const { kafka } = createKafka(config, who);
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await topicEndOffsets(admin, config.topics[topic].name, config.requestTimeoutMs + 5000);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
