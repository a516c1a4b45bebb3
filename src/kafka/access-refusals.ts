import { AccessRefusedError } from '../bus/bus.js';
import { aclCommandFor } from '../config/acl-plan.js';
import type { EvchargeConfig } from '../config/schema.js';
import type { TopicKey } from '../bus/topics.js';
import { errorChain } from './connect-refusals.js';
import { appendLog } from './kafka-log.js';
import type { ClientIdentity } from './kafka-client.js';
import { usernameOf } from './kafka-security.js';

export type RefusedResource = 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID' | 'CLUSTER';

const TYPES: Record<string, RefusedResource> = {
  TOPIC_AUTHORIZATION_FAILED: 'TOPIC',
  GROUP_AUTHORIZATION_FAILED: 'GROUP',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'TRANSACTIONAL_ID',
  CLUSTER_AUTHORIZATION_FAILED: 'CLUSTER',
};

/** The kind of resource a kafkajs error says the brokers refused, or null when it is no authorization failure. */
export function authorizationFailure(error: unknown): RefusedResource | null {
  const links = errorChain(error) as (Error & { type?: string; errors?: { type?: string }[] })[];
  for (const e of links) {
    const found = TYPES[e.type ?? ''] ?? e.errors?.map((x) => TYPES[x.type ?? '']).find(Boolean);
    if (found) return found;
  }
  return null;
}

export interface RefusalContext {
  config: EvchargeConfig;
  who: ClientIdentity;
}

/**
 * "the brokers refused user driver-D1 Write on topic t.cp-commands (topics.auth-request in F): no ACL
 * allows it", and the `evcharge acl` line that grants the role what its config needs.
 */
export function accessRefused(ctx: RefusalContext, operation: string, resource: string, detail = '', topics?: TopicKey[]): AccessRefusedError {
  const username = usernameOf(ctx.config, ctx.who);
  const user = username ?? '(no SASL user: kafka.security is not set)';
  const role = ctx.who.role === 'cp' || ctx.who.role === 'driver' ? `${ctx.who.role} ${ctx.who.id}` : ctx.who.role;
  return new AccessRefusedError(
    `the brokers refused user ${user} ${operation} on ${resource}${detail}: no ACL allows it. ` +
      `Grant ${role} what this config needs, as the cluster's admin: ${aclCommandFor(ctx.config, ctx.who.role, ctx.who.id)} ` +
      '(without --apply it prints the ACLs and the kafka-acls commands)',
    { user: username, operation, resource, ...(topics && { topics }) },
  );
}

/** Topics with their config keys: `topic t.cp-commands (topics.auth-request in F)`. */
export function topicsText(ctx: RefusalContext, keys: TopicKey[]): { resource: string; detail: string; topics: TopicKey[] } {
  const unique = [...new Set(keys)];
  const names = [...new Set(unique.map((k) => ctx.config.topics[k].name))];
  return {
    resource: `${names.length > 1 ? 'one of the topics' : 'topic'} ${names.join(', ')}`,
    detail: ` (${unique.map((k) => `topics.${k}`).join(', ')} in ${ctx.config.source})`,
    topics: unique,
  };
}

/** A refused topic check at start: the topics are missing or hidden from this user, and it may not create them. */
export function topicSetupRefusal(error: unknown, ctx: RefusalContext): AccessRefusedError | null {
  const kind = authorizationFailure(error);
  if (kind === null) return null;
  const username = usernameOf(ctx.config, ctx.who);
  const user = username ?? '(no SASL user)';
  const refused = ((error as { errors?: { topic?: string }[] }).errors ?? []).map((e) => e.topic).filter((t): t is string => typeof t === 'string');
  const keyOf = new Map(Object.values(ctx.config.topics).map((t) => [t.name, t.key]));
  if (refused.length > 0)
    return new AccessRefusedError(
      `topic${refused.length > 1 ? 's' : ''} ${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} missing, or user ${user} may not see ${refused.length > 1 ? 'them' : 'it'} (no Describe ACL), ` +
        `and it may not create topics: on a secure cluster the admin makes them with every role's ACLs: ${aclCommandFor(ctx.config, ctx.who.role, ctx.who.id)}`,
      { user: username, operation: 'Describe', resource: `topic${refused.length > 1 ? 's' : ''} ${refused.join(', ')}`, topics: refused.map((t) => keyOf.get(t)).filter((k): k is TopicKey => k !== undefined) },
    );
  return accessRefused(ctx, 'Describe or DescribeConfigs', 'the configured topics', ', which every role checks at start', Object.values(ctx.config.topics).map((t) => t.key));
}

/**
 * A bus's refusals: an authorization failure becomes the AccessRefusedError naming what was refused,
 * logged, and reported once (the CLI exits with the first); anything else is left to the caller.
 */
export class RefusalReporter {
  private reported = false;

  constructor(
    private readonly ctx: RefusalContext,
    private readonly logFile: string,
    private readonly onRefused?: (error: AccessRefusedError) => void,
  ) {}

  /** `resource` says what was refused for a topic, group or transactional id failure. */
  check(error: unknown, operation: string, resource: () => { resource: string; detail?: string; topics?: TopicKey[] }): AccessRefusedError | null {
    if (error instanceof AccessRefusedError) return error;
    const kind = authorizationFailure(error);
    if (kind === null) return null;
    const { resource: what, detail, topics } = kind === 'CLUSTER' ? { resource: 'the cluster', detail: '', topics: undefined } : resource();
    // A group or transactional id refusal is about no topic, whatever the call was for.
    const refused = accessRefused(this.ctx, operation, what, detail ?? '', kind === 'TOPIC' ? topics : undefined);
    appendLog(this.logFile, 'refused by the brokers', { error: String(error), message: refused.message });
    if (!this.reported) {
      this.reported = true;
      this.onRefused?.(refused);
    }
    return refused;
  }

  topics(keys: TopicKey[]): { resource: string; detail: string } {
    return topicsText(this.ctx, keys);
  }
}
