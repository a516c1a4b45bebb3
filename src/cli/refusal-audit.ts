import type { AccessRefusedError } from '../bus/bus.js';
import type { EvchargeConfig } from '../config/schema.js';
import { encodeMessage, type PayloadOf } from '../protocol/index.js';
import type { ClientIdentity } from '../kafka/kafka-client.js';
import { publishOnce } from '../kafka/publish-once.js';

/** How long a refused role waits for its audit entry before it exits anyway. */
export const REFUSAL_AUDIT_TIMEOUT_MS = 3000;

/** Who an entry says wrote it: `central`, `cp:CP001`, `driver:D1`, as the roles' own entries do. */
function writerOf(who: ClientIdentity): string {
  return (who.role === 'cp' || who.role === 'driver') && who.id ? `${who.role}:${who.id}` : who.role;
}

/**
 * The audit entry of a broker refusal (an ACL missing for a topic, group or transactional id),
 * or null when there is none to write: the error says nothing structured, or the refusal may be
 * about the audit topic itself, which then cannot take it either. A SASL authentication failure
 * is no AccessRefusedError: a role the brokers do not let in cannot write anything.
 */
export function brokerRefusalEntry(who: ClientIdentity, error: AccessRefusedError): PayloadOf<'audit.entry'> | null {
  const r = error.refusal;
  if (!r || r.topics?.includes('audit')) return null;
  const keys = r.topics && r.topics.length > 0 ? ` (${r.topics.map((k) => `topics.${k}`).join(', ')})` : '';
  const by = writerOf(who);
  return {
    by,
    principal: r.user,
    action: 'broker-refusal',
    target: r.resource,
    result: 'refused',
    detail: `the brokers refused ${r.user ?? by} ${r.operation} on ${r.resource}${keys}: no ACL allows it`,
  };
}

let pending: Promise<void> | null = null;

/**
 * Writes the refusal on the audit trail, once per process, best-effort and bounded: the role
 * exits 2 with its message right after, whether the entry went out or not. The entry is plain
 * (unsealed): readers of the trail take seals off unchecked anyway, and a refused role may not
 * even have started its key holder.
 */
export function auditBrokerRefusal(config: EvchargeConfig, who: ClientIdentity, error: AccessRefusedError, timeoutMs = REFUSAL_AUDIT_TIMEOUT_MS): Promise<void> {
  if (pending) return pending;
  const entry = brokerRefusalEntry(who, error);
  pending = entry ? publishOnce(config, who, [encodeMessage('audit.entry', writerOf(who), entry, Date.now())], timeoutMs).then(() => {}) : Promise.resolve();
  return pending;
}

/** Settles once a refusal's audit entry is written or given up on (at once when there is none). */
export function refusalAudited(): Promise<void> {
  return pending ?? Promise.resolve();
}
