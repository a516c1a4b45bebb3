/**
 * Every topic evcharge uses, by its default name. The first seven come from the original design;
 * the rest carry what the charging flow needs (see the README's topic table). kafka_config.yaml may
 * rename any of them; code always refers to a topic by this key.
 */
export const TOPIC_KEYS = [
  'cp-register',
  'cp-register-ack',
  'auth-request',
  'auth-response',
  'cp-commands',
  'telemetry',
  'health',
  'driver-updates',
  'cp-state',
  'dead-letter',
  'central-lease',
  'audit',
  'ocpp-transactions',
] as const;

/**
 * Topics with one partition whatever `topic_defaults` says: the lease topic, whose partition 0
 * is what the centrals elect their active one over (nothing is ever written to it).
 */
export const SINGLE_PARTITION_TOPICS: ReadonlySet<string> = new Set(['central-lease']);

export type TopicKey = (typeof TOPIC_KEYS)[number];

/** Topics whose log is compacted: only the latest record per key matters (state, not events). */
export const COMPACTED_TOPICS: ReadonlySet<TopicKey> = new Set<TopicKey>(['cp-state', 'ocpp-transactions']);
