import { readFileSync } from 'node:fs';
import { parseDocument, LineCounter } from 'yaml';
import type { z } from 'zod';
import { COMPACTED_TOPICS, SINGLE_PARTITION_TOPICS, TOPIC_KEYS, type TopicKey } from '../bus/topics.js';
import { configFileSchema, type EvchargeConfig, type TopicConfig } from './schema.js';
import { ConfigError } from './config-error.js';
import { resolveSecurity } from './security.js';
import { resolveRecordsSecurity } from './records-security.js';
import { resolveOcpp } from './ocpp-config.js';

export const DEFAULT_CONFIG_PATH = 'kafka_config.yaml';

export { ConfigError } from './config-error.js';

export interface LoadOptions {
  /** Overrides kafka.bootstrap_servers; the value of EVCHARGE_BROKERS. */
  brokersOverride?: string | undefined;
}

export function loadConfig(path: string, options: LoadOptions = {}): EvchargeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new ConfigError(`config ${path}: cannot read it (${why})`);
  }
  return parseConfig(text, path, options);
}

export function parseConfig(text: string, source: string, options: LoadOptions = {}): EvchargeConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = lines.linePos(err.pos[0]);
    throw new ConfigError(`config ${source}:${pos.line}:${pos.col}: invalid YAML: ${firstLine(err.message)}`);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`config ${source}: expected a mapping with a "kafka" key at the top`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, source, doc, lines));
  const file = parsed.data;

  const brokers = options.brokersOverride !== undefined ? parseBrokerList(options.brokersOverride) : file.kafka.bootstrap_servers;
  const topics = Object.fromEntries(
    TOPIC_KEYS.map((key): [TopicKey, TopicConfig] => {
      const t = file.topics[key] ?? {};
      return [
        key,
        {
          key,
          name: t.name ?? key,
          partitions: t.partitions ?? (SINGLE_PARTITION_TOPICS.has(key) ? 1 : file.topic_defaults.partitions),
          replicationFactor: t.replication_factor ?? file.topic_defaults.replication_factor,
          minInsyncReplicas: t.min_insync_replicas ?? file.topic_defaults.min_insync_replicas,
          compacted: COMPACTED_TOPICS.has(key),
        },
      ];
    }),
  ) as Record<TopicKey, TopicConfig>;
  for (const t of Object.values(topics)) {
    if (t.minInsyncReplicas > t.replicationFactor) {
      throw new ConfigError(
        `config ${source}: topics.${t.key}: min_insync_replicas (${t.minInsyncReplicas}) is larger than replication_factor (${t.replicationFactor}); no write could ever succeed`,
      );
    }
  }
  const { security, principals } = resolveSecurity(file.kafka.security, source);
  return {
    source,
    brokers,
    security,
    records: resolveRecordsSecurity(file.security, source),
    principals,
    clientIdPrefix: file.kafka.client_id_prefix,
    connectionTimeoutMs: file.kafka.connection_timeout_ms,
    requestTimeoutMs: file.kafka.request_timeout_ms,
    startupTimeoutMs: file.kafka.startup_timeout_ms,
    sessionTimeoutMs: file.kafka.session_timeout_ms,
    retry: {
      initialRetryTimeMs: file.kafka.retry.initial_retry_time_ms,
      maxRetryTimeMs: file.kafka.retry.max_retry_time_ms,
      retries: file.kafka.retry.retries,
    },
    topics,
    groups: file.consumer_groups,
    heartbeatTimeoutMs: file.central.heartbeat_timeout_ms,
    takeoverTimeoutMs: file.central.takeover_timeout_ms,
    driverAnswerTimeoutMs: file.driver.answer_timeout_ms,
    ocpp: resolveOcpp(file.ocpp, source),
  };
}

/** `EVCHARGE_BROKERS=host:port,host:port`. */
export function parseBrokerList(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((b) => !/^[^\s:,]+:\d{1,5}$/.test(b));
  if (list.length === 0 || bad !== undefined) {
    throw new ConfigError(`EVCHARGE_BROKERS: expected host:port[,host:port...], got "${bad ?? value}"`);
  }
  return list;
}

/**
 * The centrals' election group (and the active central's transactional id): one per network,
 * named after central's group.
 */
export function leaseGroupOf(centralGroup: string): string {
  return `${centralGroup}-lease`;
}

/** Group id for one CP or driver, from the configured template. */
export function groupFor(config: EvchargeConfig, role: 'cp' | 'driver', id: string): string {
  return role === 'cp' ? config.groups.cp.replaceAll('{cp_id}', id) : config.groups.driver.replaceAll('{driver_id}', id);
}

function describeIssues(error: z.ZodError, source: string, doc: ReturnType<typeof parseDocument>, lines: LineCounter): string {
  const issues = error.issues.slice(0, 5).map((issue) => {
    const keyPath = issue.path.map(String);
    const where = keyPath.length ? keyPath.join('.') : '(top level)';
    const node = keyPath.length ? doc.getIn(keyPath, true) : undefined;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    const line = range ? `:${lines.linePos(range[0]).line}` : '';
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `config ${source}${line}: ${where}: ${message}`;
  });
  const more = error.issues.length > 5 ? `\n(and ${error.issues.length - 5} more)` : '';
  return issues.join('\n') + more;
}

const firstLine = (s: string) => s.split('\n')[0] ?? s;
