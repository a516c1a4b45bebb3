import type { Bus } from '../bus/bus.js';
import type { EvchargeConfig } from '../config/schema.js';
import { waitForBrokers } from './broker-check.js';
import { createKafka, type ClientIdentity } from './kafka-client.js';
import { KafkaBus } from './kafka-bus.js';
import { appendLog } from './kafka-log.js';
import { ensureTopics, type TopicCheck } from './topic-setup.js';
import { usernameOf } from './kafka-security.js';
import { topicSetupRefusal } from './access-refusals.js';
import type { AccessRefusedError } from '../bus/bus.js';

export interface ConnectOptions {
  who: ClientIdentity;
  /** Called while no broker answers yet (spinner or line). */
  onWaiting?: (attempt: number, reason: string) => void;
  /** Default: config.startupTimeoutMs. */
  startupTimeoutMs?: number;
  /** The brokers refused the role something it needs, for good, after it started (see KafkaBus). */
  onRefused?: (error: AccessRefusedError) => void;
}

export interface KafkaConnection {
  bus: Bus;
  topics: TopicCheck[];
  logFile: string;
}

/**
 * What every role does before it serves: wait for the cluster (bounded), make sure the topics
 * exist as configured, and hand back a Bus. Throws BrokerUnreachableError when nobody answers.
 */
export async function connectKafka(config: EvchargeConfig, options: ConnectOptions): Promise<KafkaConnection> {
  const { kafka, logFile } = createKafka(config, options.who);
  await waitForBrokers(kafka, config, options.startupTimeoutMs ?? config.startupTimeoutMs, options.onWaiting, usernameOf(config, options.who));
  const admin = kafka.admin();
  await admin.connect();
  let topics: TopicCheck[];
  try {
    topics = await ensureTopics(admin, config).catch((e: unknown) => {
      throw topicSetupRefusal(e, { config, who: options.who }) ?? e;
    });
  } finally {
    await admin.disconnect().catch(() => {});
  }
  for (const t of topics) if (t.status !== 'ok') appendLog(logFile, `topic ${t.topic} ${t.status}`, { differences: t.differences });
  return { bus: new KafkaBus(kafka, config, logFile, { who: options.who, ...(options.onRefused && { onRefused: options.onRefused }) }), topics, logFile };
}
