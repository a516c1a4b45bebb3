import { Kafka } from './kafkajs.js';
import type { EvchargeConfig } from '../config/schema.js';
import { fileLogCreator, KAFKAJS_LOG_LEVEL, logFilePath } from './kafka-log.js';
import { clientSecurity } from './kafka-security.js';

export interface ClientIdentity {
  /** `central`, `cp`, `driver`, `admin`, ... */
  role: string;
  /** CP or driver id, when the role has one. */
  id?: string | undefined;
}

export function clientId(config: EvchargeConfig, who: ClientIdentity): string {
  return [config.clientIdPrefix, who.role, who.id].filter(Boolean).join('-');
}

/** A kafkajs client for one role, from the config: brokers, TLS and SASL, timeouts, retry policy, file logging. */
export function createKafka(
  config: EvchargeConfig,
  who: ClientIdentity,
  /** A second client of the same role may wait less for an answer, and log to the first one's file. */
  overrides: { requestTimeoutMs?: number; connectionTimeoutMs?: number; logFile?: string } = {},
): { kafka: Kafka; logFile: string } {
  const id = clientId(config, who);
  const logFile = overrides.logFile ?? logFilePath(id);
  const { ssl, sasl } = clientSecurity(config, who);
  const kafka = new Kafka({
    clientId: id,
    brokers: config.brokers,
    ...(ssl !== undefined && { ssl }),
    ...(sasl !== undefined && { sasl }),
    connectionTimeout: overrides.connectionTimeoutMs ?? config.connectionTimeoutMs,
    requestTimeout: overrides.requestTimeoutMs ?? config.requestTimeoutMs,
    retry: {
      initialRetryTime: config.retry.initialRetryTimeMs,
      maxRetryTime: config.retry.maxRetryTimeMs,
      retries: config.retry.retries,
    },
    logLevel: KAFKAJS_LOG_LEVEL,
    logCreator: fileLogCreator(logFile),
  });
  return { kafka, logFile };
}
