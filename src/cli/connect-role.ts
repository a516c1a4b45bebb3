import { randomBytes } from 'node:crypto';
import { leaseGroupOf } from '../config/load-config.js';
import type { EvchargeConfig } from '../config/schema.js';
import { connectKafka, type KafkaConnection } from '../kafka/connect.js';
import type { ClientIdentity } from '../kafka/kafka-client.js';
import type { RoleEvent } from '../roles/shared/events.js';
import { AccessRefusedError } from '../bus/bus.js';
import { exitRefused } from './refused-exit.js';
import { auditBrokerRefusal } from './refusal-audit.js';

/**
 * Connects a role to Kafka, reporting the wait as events (a line per new reason, not per retry)
 * and any topic that differs from the config. Throws BrokerUnreachableError after the start-up
 * timeout, which the CLI turns into exit 2.
 */
export async function connectRole(config: EvchargeConfig, who: ClientIdentity, emit: (e: RoleEvent) => void): Promise<KafkaConnection> {
  let lastReason = '';
  // A refusal goes on the audit trail (bounded, best-effort) before the role exits 2 with it.
  const conn = await connectKafka(config, {
    who,
    onRefused: (error) => void auditBrokerRefusal(config, who, error).then(() => exitRefused(who.role, error)),
    onWaiting: (attempt, reason) => {
      if (reason === lastReason) return;
      lastReason = reason;
      emit({
        at: Date.now(),
        kind: 'kafka-waiting',
        text: `waiting for Kafka at ${config.brokers.join(', ')} (${reason}); giving up after ${Math.round(config.startupTimeoutMs / 1000)} s`,
        data: { brokers: config.brokers, reason, attempt },
      });
    },
  }).catch(async (e: unknown) => {
    // Refused at start (the topic check): audited here, the CLI exits with it.
    if (e instanceof AccessRefusedError) await auditBrokerRefusal(config, who, e);
    throw e;
  });
  for (const t of conn.topics.filter((t) => t.status === 'differs')) {
    emit({ at: Date.now(), kind: 'topic-differs', text: `topic ${t.topic} differs from the config: ${t.differences.join('; ')}`, data: { ...t } });
  }
  const created = conn.topics.filter((t) => t.status === 'created').map((t) => t.topic);
  emit({
    at: Date.now(),
    kind: 'kafka-connected',
    text: `connected to Kafka at ${config.brokers.join(', ')}${created.length ? `; created ${created.length} topics` : ''} (log: ${conn.logFile})`,
    data: { brokers: config.brokers, created, logFile: conn.logFile },
  });
  return conn;
}

/**
 * A group of this process only, for re-reading a compacted topic without committing. Unique so
 * that a restart never waits for a killed predecessor's session to expire; with no offsets
 * committed, Kafka drops the group once its member leaves.
 */
export function stateReaderGroup(mainGroup: string): string {
  return `${mainGroup}-state-${randomBytes(4).toString('hex')}`;
}

/** Central's groups from the config: the main one, this process's cp-state reader, the election. */
export function centralGroups(config: EvchargeConfig): { main: string; state: string; lease: string } {
  return { main: config.groups.central, state: stateReaderGroup(config.groups.central), lease: leaseGroupOf(config.groups.central) };
}

/**
 * Central's reader of the audit topic for its TUI's audit view: a group of this process only,
 * never committing (`central-group-audit-…`, a prefix the ACL plan grants central). Headless
 * central does not read the trail.
 */
export function auditReaderGroup(config: EvchargeConfig): string {
  return `${config.groups.central}-audit-${randomBytes(4).toString('hex')}`;
}

export { leaseGroupOf as leaseGroup } from '../config/load-config.js';
