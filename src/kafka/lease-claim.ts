import type { CentralIdentity } from '../bus/leadership.js';

/**
 * What each central tells the lease group when it joins (the member's userData), and the rule the
 * group's leader applies to pick the one active member. Pure, so it is unit-tested apart from Kafka.
 */
export interface LeaseClaim extends CentralIdentity {
  /** Since when this member has been the active one; null for a standby. */
  activeSince: number | null;
  /**
   * Which of this central's lease consumers it is (counts up at each join). A consumer replaced by
   * a rejoin may still be in the group for a while, with the same claim: only the newest speaks.
   */
  consumerSeq: number;
}

export function encodeClaim(claim: LeaseClaim): Buffer {
  return Buffer.from(JSON.stringify(claim));
}

/** Decoding never throws: a member with unreadable userData is a standby that started last. */
export function decodeClaim(data: Buffer | null | undefined): LeaseClaim | null {
  if (!data || data.length === 0) return null;
  try {
    const v = JSON.parse(data.toString('utf8')) as Partial<LeaseClaim>;
    if (typeof v.instanceId !== 'string' || typeof v.host !== 'string' || typeof v.pid !== 'number' || typeof v.startedAt !== 'number') return null;
    return { instanceId: v.instanceId, host: v.host, pid: v.pid, startedAt: v.startedAt, activeSince: typeof v.activeSince === 'number' ? v.activeSince : null, consumerSeq: typeof v.consumerSeq === 'number' ? v.consumerSeq : 0 };
  } catch {
    return null;
  }
}

/**
 * Sticky: a member that says it is active keeps the lease, so a standby joining (or a rebalance
 * of any kind) never moves it. Two claiming it (an old active that was paused, back beside the one
 * that replaced it): the later election wins, since it fenced the earlier. Nobody active: the
 * longest-running member takes it. Ties go to the smaller member id, so every leader picks alike.
 */
export function pickActive(all: { memberId: string; claim: LeaseClaim | null }[]): string | null {
  const byId = (a: { memberId: string }, b: { memberId: string }) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);
  // Of one central's consumers only the newest counts: a replaced one still in the group must not
  // be handed the lease (its central then sees its current consumer unassigned and steps down).
  const newest = new Map<string, { memberId: string; claim: LeaseClaim }>();
  for (const m of all) {
    if (!m.claim) continue;
    const seen = newest.get(m.claim.instanceId);
    if (!seen || m.claim.consumerSeq > seen.claim.consumerSeq || (m.claim.consumerSeq === seen.claim.consumerSeq && byId(m, seen) < 0)) newest.set(m.claim.instanceId, { memberId: m.memberId, claim: m.claim });
  }
  const members = all.filter((m) => !m.claim || newest.get(m.claim.instanceId)?.memberId === m.memberId);
  if (members.length === 0) return null;
  const claimed = members.filter((m) => m.claim?.activeSince != null);
  if (claimed.length > 0) {
    return claimed.sort((a, b) => b.claim!.activeSince! - a.claim!.activeSince! || byId(a, b))[0]!.memberId;
  }
  return [...members].sort((a, b) => (a.claim?.startedAt ?? Infinity) - (b.claim?.startedAt ?? Infinity) || byId(a, b))[0]!.memberId;
}
