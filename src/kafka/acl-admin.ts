import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Admin } from './kafkajs.js';
import { aclKey, type AclEntry, type Operation, type PatternType } from '../config/acl-plan.js';
import { ConfigError } from '../config/load-config.js';
import type { EvchargeConfig } from '../config/schema.js';
import { waitForBrokers } from './broker-check.js';
import { errorChain } from './connect-refusals.js';
import { createKafka } from './kafka-client.js';
import { usernameOf } from './kafka-security.js';
import { ensureTopics } from './topic-setup.js';

/** An ACL as the cluster holds it (any resource, operation and permission, not only evcharge's kinds). */
export interface ClusterAcl {
  principal: string;
  host: string;
  resourceType: string;
  patternType: string;
  name: string;
  operation: string;
  permission: string;
}

const nameOf = (table: Record<string, number>, value: number) => Object.keys(table).find((k) => table[k] === value) ?? String(value);

/** Every ACL on the cluster (needs the admin: Describe on the cluster). */
export async function listAcls(admin: Admin): Promise<ClusterAcl[]> {
  const { resources } = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  return resources.flatMap((r) =>
    r.acls.map((a) => ({
      principal: a.principal,
      host: a.host,
      resourceType: nameOf(AclResourceTypes as unknown as Record<string, number>, r.resourceType),
      patternType: nameOf(ResourcePatternTypes as unknown as Record<string, number>, r.resourcePatternType),
      name: r.resourceName,
      operation: nameOf(AclOperationTypes as unknown as Record<string, number>, a.operation),
      permission: nameOf(AclPermissionTypes as unknown as Record<string, number>, a.permissionType),
    })),
  );
}

/** The cluster's ACL as a plan entry's key would be, for comparing (host * and ALLOW only count). */
export const clusterAclKey = (a: ClusterAcl) => aclKey({ principal: a.principal, resourceType: a.resourceType as AclEntry['resourceType'], patternType: a.patternType as PatternType, name: a.name, operation: a.operation as Operation });

/** Creates the entries the cluster lacks; returns how many were created and how many were there. */
export async function applyAcls(admin: Admin, entries: AclEntry[]): Promise<{ created: number; present: number }> {
  const existing = new Set((await listAcls(admin)).filter((a) => a.permission === 'ALLOW' && a.host === '*').map(clusterAclKey));
  const missing = [...new Map(entries.filter((e) => !existing.has(aclKey(e))).map((e) => [aclKey(e), e])).values()];
  if (missing.length > 0) {
    await admin.createAcls({
      acl: missing.map((e) => ({
        resourceType: AclResourceTypes[e.resourceType],
        resourceName: e.name,
        resourcePatternType: ResourcePatternTypes[e.patternType],
        principal: e.principal,
        host: '*',
        operation: AclOperationTypes[e.operation],
        permissionType: AclPermissionTypes.ALLOW,
      })),
    });
  }
  return { created: missing.length, present: new Set(entries.map(aclKey)).size - missing.length };
}

export interface ApplyResult {
  createdTopics: string[];
  created: number;
  present: number;
}

/**
 * `evcharge acl --apply`: as the config's admin, makes the configured topics that are missing
 * (roles on a secure cluster may not create them) and every ACL of `entries` the cluster lacks.
 * A refusal (the user is not the cluster's admin) is a ConfigError naming the user.
 */
export async function applyPlan(config: EvchargeConfig, entries: AclEntry[]): Promise<ApplyResult> {
  const who = { role: 'acl' };
  const username = usernameOf(config, who);
  const { kafka } = createKafka(config, who);
  await waitForBrokers(kafka, config, config.startupTimeoutMs, undefined, username);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await ensureTopics(admin, config).catch((e: Error) => {
      throw refusedAsAdmin(e, config, username, 'create the configured topics (Create on the cluster)') ?? e;
    });
    const { created, present } = await applyAcls(admin, entries).catch((e: Error) => {
      throw refusedAsAdmin(e, config, username, 'read and create ACLs (Describe and Alter on the cluster)') ?? e;
    });
    return { createdTopics: topics.filter((t) => t.status === 'created').map((t) => t.topic), created, present };
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function refusedAsAdmin(e: Error, config: EvchargeConfig, username: string | null, what: string): ConfigError | null {
  const text = errorChain(e)
    .map((x) => `${(x as { type?: string }).type ?? ''} ${x.message}`)
    .concat(((e as { errors?: { type?: string }[] }).errors ?? []).map((x) => x.type ?? ''))
    .join(' ');
  if (!/AUTHORIZATION_FAILED|not authorized/i.test(text)) return null;
  return new ConfigError(
    `the brokers refused user ${username ?? '(no SASL user)'} to ${what}: evcharge acl --apply runs as the cluster's admin. ` +
      `Set kafka.security.principals.admin (or kafka.security.username) in ${config.source} to a super user, or give the printed kafka-acls commands to whoever is`,
  );
}
