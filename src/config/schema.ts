import { z } from 'zod';
import { TOPIC_KEYS, type TopicKey } from '../bus/topics.js';
import { securitySchema, type Principals, type SecurityConfig } from './security.js';
import { recordsSecuritySchema, type RecordsSecurity } from './records-security.js';
import { ocppSchema, type OcppConfig } from './ocpp-config.js';

const hostPort = z
  .string()
  .regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9092');

const topicSettings = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'not a valid Kafka topic name').optional(),
    partitions: z.number().int().min(1).max(1000).optional(),
    replication_factor: z.number().int().min(1).max(16).optional(),
    min_insync_replicas: z.number().int().min(1).max(16).optional(),
  })
  .strict();

const topicDefaults = z
  .object({
    partitions: z.number().int().min(1).max(1000),
    replication_factor: z.number().int().min(1).max(16),
    min_insync_replicas: z.number().int().min(1).max(16),
  })
  .strict();

const topicsShape = Object.fromEntries(TOPIC_KEYS.map((k) => [k, topicSettings.optional()])) as Record<
  TopicKey,
  z.ZodOptional<typeof topicSettings>
>;

/** The file as written: snake_case keys, as in the original design's kafka_config.yaml. */
export const configFileSchema = z
  .object({
    kafka: z
      .object({
        bootstrap_servers: z.array(hostPort).min(1, 'list at least one broker'),
        client_id_prefix: z.string().min(1).default('evcharge'),
        connection_timeout_ms: z.number().int().positive().default(3000),
        request_timeout_ms: z.number().int().positive().default(30000),
        /**
         * A consumer that stops heartbeating (killed, or cut off by a cluster outage) holds its
         * partitions this long: a restarted role, or any role after an outage, waits out its dead
         * predecessor's session before it reads again. Brokers refuse less than
         * group.min.session.timeout.ms (6000 by default; scripts/kafka.mjs sets 500).
         */
        session_timeout_ms: z.number().int().min(1000).default(6000),
        /** How long a role waits for a broker at start-up before it gives up (exit 2). */
        startup_timeout_ms: z.number().int().positive().default(15000),
        retry: z
          .object({
            initial_retry_time_ms: z.number().int().positive().default(300),
            max_retry_time_ms: z.number().int().positive().default(1000),
            retries: z.number().int().min(0).default(8),
          })
          .strict()
          .default({ initial_retry_time_ms: 300, max_retry_time_ms: 1000, retries: 8 }),
        /** Absent: PLAINTEXT, no authentication (see config/security.ts). */
        security: securitySchema.optional(),
      })
      .strict(),
    topic_defaults: topicDefaults,
    topics: z.object(topicsShape).strict().default({}),
    consumer_groups: z
      .object({
        central: z.string().min(1).default('central-group'),
        cp: z.string().includes('{cp_id}', { message: 'must contain {cp_id}' }).default('cp-{cp_id}-group'),
        driver: z.string().includes('{driver_id}', { message: 'must contain {driver_id}' }).default('driver-{driver_id}-group'),
      })
      .strict()
      .default({ central: 'central-group', cp: 'cp-{cp_id}-group', driver: 'driver-{driver_id}-group' }),
    central: z
      .object({
        heartbeat_timeout_ms: z.number().int().min(100).default(3000),
        /**
         * A killed or cut-off active central is replaced this long after its last heartbeat to
         * the lease group (the session of central's groups). Brokers allow at least
         * group.min.session.timeout.ms (6000 by default; the local Kafka allows 500).
         */
        takeover_timeout_ms: z.number().int().min(500).max(300_000).default(2000),
      })
      .strict()
      .default({ heartbeat_timeout_ms: 3000, takeover_timeout_ms: 2000 }),
    driver: z
      .object({ answer_timeout_ms: z.number().int().min(100).default(10000) })
      .strict()
      .default({ answer_timeout_ms: 10000 }),
    /** evcharge's own record protection; absent: off (see config/records-security.ts). */
    security: recordsSecuritySchema.optional(),
    /** The OCPP 1.6J gateway's listener and stations (see config/ocpp-config.ts). */
    ocpp: ocppSchema.optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

export interface TopicConfig {
  key: TopicKey;
  name: string;
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  compacted: boolean;
}

export interface EvchargeConfig {
  /** The file it came from, for messages. */
  source: string;
  brokers: string[];
  /** TLS and SASL for every client; null: PLAINTEXT, as without the section. */
  security: SecurityConfig | null;
  /** Record signing or encryption (issue 12, part 2); protection off by default. */
  records: RecordsSecurity;
  /** Each role instance's Kafka principal (templates), for credentials and ACLs. */
  principals: Principals;
  clientIdPrefix: string;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  startupTimeoutMs: number;
  sessionTimeoutMs: number;
  retry: { initialRetryTimeMs: number; maxRetryTimeMs: number; retries: number };
  topics: Record<TopicKey, TopicConfig>;
  groups: { central: string; cp: string; driver: string };
  heartbeatTimeoutMs: number;
  /** Session of central's lease and main groups: how soon a standby replaces a dead active. */
  takeoverTimeoutMs: number;
  /** How long a driver waits for central's answer to a request before it gives up. */
  driverAnswerTimeoutMs: number;
  /** `evcharge ocpp`: where stations connect and what each one registers with. */
  ocpp: OcppConfig;
}
