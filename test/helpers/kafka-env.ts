import { randomBytes } from 'node:crypto';
import { parseConfig } from '../../src/config/load-config.js';
import type { EvchargeConfig } from '../../src/config/schema.js';
import { TOPIC_KEYS } from '../../src/bus/topics.js';

/** Brokers the test run uses: scripts/test.mjs sets EVCHARGE_BROKERS to the cluster it found or started. */
export const TEST_BROKERS = process.env.EVCHARGE_BROKERS ?? '127.0.0.1:9092';

/** A short random tag, so tests sharing one broker never share topics or groups. */
/**
 * On the three-node test cluster every test topic is replicated like kafka_config.cluster.yaml
 * (RF 3, min ISR 2): a test that stops a broker must not leave another test's partitions offline.
 */
export const TEST_RF = TEST_BROKERS.split(',').length >= 3 ? 3 : 1;
export const TEST_MIN_ISR = TEST_RF >= 3 ? 2 : 1;

export const uniqueTag = () => `t${randomBytes(4).toString('hex')}`;

/**
 * YAML for a config whose topics and groups all carry `tag`, so each test gets a private
 * network on the shared broker.
 */
export function isolatedConfigYaml(tag: string, extra: { partitions?: number; heartbeatTimeoutMs?: number; brokers?: string[]; replicationFactor?: number; requestTimeoutMs?: number; connectionTimeoutMs?: number; records?: 'sign' | 'encrypt'; freshnessMs?: number } = {}): string {
  const topics = TOPIC_KEYS.map((k) => `  ${k}: { name: ${tag}.${k} }`).join('\n');
  return [
    'kafka:',
    '  bootstrap_servers:',
    ...(extra.brokers ?? TEST_BROKERS.split(',')).map((b) => `    - "${b}"`),
    '  startup_timeout_ms: 15000',
    ...(extra.requestTimeoutMs ? [`  request_timeout_ms: ${extra.requestTimeoutMs}`] : []),
    ...(extra.connectionTimeoutMs ? [`  connection_timeout_ms: ${extra.connectionTimeoutMs}`] : []),
    'topic_defaults:',
    `  partitions: ${extra.partitions ?? 1}`,
    `  replication_factor: ${extra.replicationFactor ?? TEST_RF}`,
    `  min_insync_replicas: ${(extra.replicationFactor ?? TEST_RF) >= 3 ? 2 : 1}`,
    'topics:',
    topics,
    'consumer_groups:',
    `  central: ${tag}-central-group`,
    `  cp: "${tag}-cp-{cp_id}-group"`,
    `  driver: "${tag}-driver-{driver_id}-group"`,
    'central:',
    `  heartbeat_timeout_ms: ${extra.heartbeatTimeoutMs ?? 3000}`,
    // Patient: a test machine's two cores may be busy; a slow answer is not what tests check.
    'driver:',
    '  answer_timeout_ms: 30000',
    // Record protection: the registry and the credentials beside the config (evcharge registry add).
    ...(extra.records ? ['security:', `  records: ${extra.records}`, ...(extra.freshnessMs ? [`  freshness_ms: ${extra.freshnessMs}`] : [])] : []),
    '',
  ].join('\n');
}

export function isolatedConfig(tag = uniqueTag(), extra: Parameters<typeof isolatedConfigYaml>[1] = {}): EvchargeConfig {
  return parseConfig(isolatedConfigYaml(tag, extra), `${tag}.yaml`);
}
