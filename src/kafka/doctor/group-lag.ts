import type { TopicKey } from '../../bus/topics.js';
import type { EvchargeConfig } from '../../config/schema.js';
import type { Admin } from '../kafkajs.js';
import type { CentralsReport } from './centrals.js';
import { groupPatterns, partitionLag, type GroupRole } from './groups.js';
import { decodeMemberAssignment } from './metadata-probe.js';
import { bounded, mapLimit, reason, sleep } from './steps.js';

/** The doctor's consumer-group section: who is in each role's group and how far behind it is. */

export interface PartitionLag {
  partition: number;
  /** null: the group has committed nothing for this partition. */
  committed: number | null;
  end: number;
  lag: number | null;
}

export interface GroupTopicLag {
  topic: string;
  key: TopicKey | null;
  lag: number;
  partitions: PartitionLag[];
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  assignment: Record<string, number[]>;
}

export interface GroupReport {
  groupId: string;
  role: GroupRole;
  id: string | null;
  state: string;
  members: GroupMember[];
  topics: GroupTopicLag[];
  /** Sum over the partitions with a committed offset. */
  lag: number;
  error: string | null;
}

export interface GroupsReport {
  checked: boolean;
  error: string | null;
  templates: EvchargeConfig['groups'];
  groups: GroupReport[];
  /** The configured central group is not on the cluster. */
  centralMissing: boolean;
  /** `…-state-…` / `…-registration-…` groups: they commit nothing, listed by name only. */
  shortLived: string[];
  /** The active central and the standbys, from the centrals' election group. */
  centrals: CentralsReport | null;
}
export async function checkGroups(admin: Admin, config: EvchargeConfig, readableTopics: string[], stepMs: number, out: GroupsReport): Promise<void> {
  const patterns = groupPatterns(config.groups);
  const keyOf = new Map(Object.values(config.topics).map((t) => [t.name, t.key]));
  let listed: string[];
  try {
    listed = (await bounded(admin.listGroups(), stepMs, 'listing groups')).groups.map((g) => g.groupId);
  } catch (e) {
    out.error = `could not list them (${reason(e)})`;
    return;
  }
  out.checked = true;
  const matched = listed.map((g) => patterns.match(g)).filter((m) => m !== null);
  out.shortLived = listed.filter((g) => !patterns.match(g) && patterns.isShortLived(g)).sort();
  out.centralMissing = !matched.some((m) => m.role === 'central');
  const order: Record<GroupRole, number> = { central: 0, cp: 1, driver: 2 };
  matched.sort((a, b) => order[a.role] - order[b.role] || (a.id ?? '').localeCompare(b.id ?? ''));
  if (matched.length === 0) return;

  const described = new Map<string, Awaited<ReturnType<Admin['describeGroups']>>['groups'][number]>();
  try {
    for (const g of (await bounded(admin.describeGroups(matched.map((m) => m.groupId)), stepMs, 'describing groups')).groups) described.set(g.groupId, g);
  } catch (e) {
    out.error = `could not describe them (${reason(e)})`;
  }

  // End offsets once per topic, shared by every group.
  const ends = new Map<string, Promise<Map<number, number>>>();
  const endOffsets = (topic: string) => {
    let p = ends.get(topic);
    if (!p) {
      p = topicEndOffsets(admin, topic, stepMs);
      ends.set(topic, p);
    }
    return p;
  };

  out.groups = await mapLimit(matched, 8, async (m): Promise<GroupReport> => {
    const d = described.get(m.groupId);
    const members: GroupMember[] = (d?.members ?? []).map((mem) => ({
      memberId: mem.memberId,
      clientId: mem.clientId,
      clientHost: mem.clientHost,
      assignment: decodeMemberAssignment(mem.memberAssignment),
    }));
    const report: GroupReport = { groupId: m.groupId, role: m.role, id: m.id, state: d?.state ?? 'Unknown', members, topics: [], lag: 0, error: null };
    if (readableTopics.length === 0) return report;
    try {
      // Every offset the group has committed, asked without naming topics: named, kafkajs lists
      // each topic's partitions from its own metadata first, and on a young cluster that list
      // came back empty now and then (the doctor then said "no committed offsets").
      const all = await bounded(admin.fetchOffsets({ groupId: m.groupId }), stepMs, `reading ${m.groupId}'s offsets`);
      const byTopic = new Map(all.map((t) => [t.topic, t.partitions]));
      const committed = readableTopics.flatMap((topic) => {
        const partitions = byTopic.get(topic) ?? [];
        if (partitions.length > 0) return [{ topic, partitions }];
        // Assigned but nothing committed yet: its partitions, each without an offset.
        const held = [...new Set(members.flatMap((mem) => mem.assignment[topic] ?? []))].sort((a, b) => a - b);
        return held.length ? [{ topic, partitions: held.map((partition) => ({ partition, offset: '-1' })) }] : [];
      });
      const assigned = new Set(members.flatMap((mem) => Object.keys(mem.assignment)));
      for (const { topic, partitions } of committed) {
        const any = partitions.some((p) => Number(p.offset) >= 0);
        if (!any && !assigned.has(topic)) continue;
        const end = await endOffsets(topic);
        const rows = partitions
          .map((p): PartitionLag => {
            const c = Number(p.offset) >= 0 ? Number(p.offset) : null;
            const e = end.get(p.partition) ?? 0;
            return { partition: p.partition, committed: c, end: e, lag: partitionLag(c, e) };
          })
          .sort((a, b) => a.partition - b.partition);
        const lag = rows.reduce((s, r) => s + (r.lag ?? 0), 0);
        report.topics.push({ topic, key: keyOf.get(topic) ?? null, lag, partitions: rows });
        report.lag += lag;
      }
      const rank = new Map(readableTopics.map((t, i) => [t, i]));
      report.topics.sort((a, b) => (rank.get(a.topic) ?? 0) - (rank.get(b.topic) ?? 0));
    } catch (e) {
      report.error = `could not read its lag (${reason(e)})`;
    }
    return report;
  });
  const failed = out.groups.filter((g) => g.error !== null);
  if (failed.length > 0 && out.error === null) out.error = `${failed.map((g) => `${g.groupId}: ${g.error}`).join('; ')}`;
}
/**
 * A topic's end offsets. kafkajs asks the leaders for the partitions its own metadata lists; when
 * that metadata lacks the topic for a moment (several groups adding topics at once, a young
 * cluster), it has nothing to ask and fails with a TypeError on an empty answer. That is kafkajs's
 * view being stale, not the cluster's state: read the metadata again and ask again, within the
 * step's deadline.
 */
export async function topicEndOffsets(admin: Admin, topic: string, stepMs: number, attempts = 4): Promise<Map<number, number>> {
  const deadline = Date.now() + stepMs;
  for (let attempt = 1; ; attempt++) {
    const left = Math.max(1, deadline - Date.now());
    try {
      const list = await bounded(admin.fetchTopicOffsets(topic), left, `reading ${topic}'s end offsets`);
      if (list.length > 0) return new Map(list.map((o) => [o.partition, Number(o.high)]));
      if (attempt >= attempts) throw new Error(`the cluster listed no partitions of ${topic}`);
    } catch (e) {
      const stale = e instanceof TypeError;
      if (!stale || attempt >= attempts || Date.now() + 250 >= deadline) throw e;
    }
    await bounded(admin.fetchTopicMetadata({ topics: [topic] }), Math.max(1, deadline - Date.now()), `reading ${topic}'s metadata`).catch(() => {});
    await sleep(250);
  }
}
