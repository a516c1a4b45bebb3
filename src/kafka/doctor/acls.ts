import { aclCommandFor, aclKey, aclsFor, aclText, OPERATION_WORD, principalOfInstance, type AclEntry, type RoleInstance } from '../../config/acl-plan.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { listAcls, type ClusterAcl } from '../acl-admin.js';
import type { Admin } from '../kafkajs.js';

/**
 * The doctor's ACL check on a secure cluster: for every role instance it knows of (central, and
 * every CP and driver with a group or an ACL of its principal), which ACL it needs and lacks; and
 * which role principal has ACLs none of its roles needs. Compared with what `evcharge acl` grants.
 */
export interface AclInstanceReport {
  role: RoleInstance['role'];
  id: string | null;
  principal: string;
  needed: number;
  /** `Read on group cp-CP1-group`, one per ACL it lacks (or that a DENY ACL takes away). */
  missing: string[];
  /** The `evcharge acl` line that grants them. */
  fix: string;
}

export interface AclReport {
  checked: boolean;
  error: string | null;
  instances: AclInstanceReport[];
  /** ACLs of role principals (or of every user, User:*) that no role needs. */
  extra: { principal: string; acls: string[] }[];
}

const IMPLIES_DESCRIBE = new Set(['READ', 'WRITE', 'DELETE', 'ALTER']);

/** Whether a cluster ACL applies to what a role needs, as Kafka's authorizer matches them. */
export function matches(acl: ClusterAcl, need: AclEntry): boolean {
  if (acl.host !== '*') return false;
  if (acl.principal !== need.principal && acl.principal !== 'User:*') return false;
  if (acl.resourceType !== need.resourceType) return false;
  const name =
    acl.patternType === 'PREFIXED'
      ? need.name.startsWith(acl.name)
      : acl.name === '*' || (need.patternType === 'LITERAL' && acl.name === need.name);
  if (!name) return false;
  return (
    acl.operation === need.operation ||
    acl.operation === 'ALL' ||
    (need.operation === 'DESCRIBE' && IMPLIES_DESCRIBE.has(acl.operation)) ||
    (need.operation === 'DESCRIBE_CONFIGS' && acl.operation === 'ALTER_CONFIGS')
  );
}

/** `cp-{cp_id}` → the ids of principals it made. */
function idsOf(acls: ClusterAcl[], template: string, placeholder: string): string[] {
  const [before, after] = template.split(placeholder) as [string, string];
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^User:${esc(before)}(.+)${esc(after)}$`);
  return acls.map((a) => re.exec(a.principal)?.[1]).filter((id): id is string => id !== undefined);
}

export async function checkAcls(admin: Admin, config: EvchargeConfig, known: { cps: string[]; drivers: string[] }): Promise<AclReport> {
  let acls: ClusterAcl[];
  try {
    acls = await listAcls(admin);
  } catch (e) {
    const text = `${(e as { type?: string }).type ?? ''} ${(e as Error).message}`;
    const error = /SECURITY_DISABLED|no authorizer/i.test(text)
      ? 'the cluster has no authorizer: every client may do everything, whatever the ACLs'
      : /AUTHORIZATION_FAILED/.test(text)
        ? `the doctor's user may not read the cluster's ACLs (Describe on the cluster): set kafka.security.principals.admin in ${config.source} to the cluster's admin`
        : `could not read the cluster's ACLs: ${(e as Error).message}`;
    return { checked: false, error, instances: [], extra: [] };
  }
  const uniq = (ids: string[]) => [...new Set(ids)].sort();
  const instances: RoleInstance[] = [
    { role: 'central', id: null },
    ...uniq([...known.cps, ...idsOf(acls, config.principals.cp, '{cp_id}')]).map((id) => ({ role: 'cp' as const, id })),
    ...uniq([...known.drivers, ...idsOf(acls, config.principals.driver, '{driver_id}')]).map((id) => ({ role: 'driver' as const, id })),
    // The OCPP gateways' principal, once the cluster grants it anything.
    ...(acls.some((a) => a.principal === `User:${config.principals.ocpp}`) ? [{ role: 'ocpp' as const, id: null }] : []),
  ];
  const allows = acls.filter((a) => a.permission === 'ALLOW');
  const denies = acls.filter((a) => a.permission === 'DENY');
  const needed = new Map<string, AclEntry[]>();
  const reports = instances.map((instance): AclInstanceReport => {
    const entries = aclsFor(config, instance);
    const principal = principalOfInstance(config, instance);
    needed.set(principal, [...(needed.get(principal) ?? []), ...entries]);
    const missing = entries
      .filter((need) => !allows.some((a) => matches(a, need)) || denies.some((d) => matches({ ...d, host: '*' }, need)))
      .map((need) => aclText(need) + (denies.some((d) => matches({ ...d, host: '*' }, need)) ? ' (a DENY ACL takes it away)' : ''));
    return { role: instance.role, id: instance.id, principal, needed: entries.length, missing, fix: aclCommandFor(config, instance.role, instance.id ?? undefined) };
  });
  // More than needed: an ALLOW of a role principal, or of every user, that is not one of the plan's.
  const extra = new Map<string, string[]>();
  for (const a of allows) {
    const plan = a.principal === 'User:*' ? [] : needed.get(a.principal);
    if (plan === undefined) continue;
    const exact = plan.some((n) => aclKey(n) === `${a.principal}|${a.resourceType}|${a.patternType}|${a.name}|${a.operation}` && a.host === '*');
    if (exact) continue;
    const words = `${(OPERATION_WORD as Record<string, string>)[a.operation] ?? a.operation} on ${a.resourceType.toLowerCase()} ${a.name}${a.patternType === 'PREFIXED' ? '*' : ''}${a.host === '*' ? '' : ` from ${a.host}`}`;
    extra.set(a.principal, [...(extra.get(a.principal) ?? []), words]);
  }
  return { checked: true, error: null, instances: reports, extra: [...extra].map(([principal, list]) => ({ principal, acls: list })) };
}
