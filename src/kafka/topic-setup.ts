import { ConfigResourceTypes, type Admin } from './kafkajs.js';
import type { EvchargeConfig, TopicConfig } from '../config/schema.js';
import { ConfigError } from '../config/load-config.js';

export interface TopicCheck {
  topic: string;
  status: 'created' | 'ok' | 'differs';
  /** What differs from the config, one phrase each, e.g. `partitions 1 (config says 3)`. */
  differences: string[];
}

/**
 * Makes sure every configured topic exists with its partitions, replication factor,
 * min.insync.replicas and cleanup policy: creates what is missing and reports what differs
 * (an existing topic is never changed behind the operator's back).
 */
export async function ensureTopics(admin: Admin, config: EvchargeConfig): Promise<TopicCheck[]> {
  const wanted = Object.values(config.topics);
  const existing = await existingTopics(admin, wanted.map((t) => t.name));
  const missing = wanted.filter((t) => !existing.has(t.name));
  const created = new Set<string>();
  if (missing.length > 0) {
    // Another role may create the same topics at the same moment: createTopics then reports
    // "already exists" for those, which is what we wanted anyway.
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: topicConfigEntries(t),
        })),
      })
      .catch(async (e: Error & { retriable?: boolean; type?: string }) => {
        if (/already exists/i.test(e.message)) return;
        await refusedTopics(admin, missing, e);
        // Created, but a broker does not host it yet (another role created it a moment ago, or
        // the cluster is young): kafkajs gives up waiting for leaders on the first such answer.
        if (e.retriable !== true && e.type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw e;
        await waitForLeaders(admin, missing.map((t) => t.name), e);
      });
    missing.forEach((t) => created.add(t.name));
  }
  const checks = await verifyTopics(admin, wanted);
  return checks.map((c) => (created.has(c.topic) && c.status === 'ok' ? { ...c, status: 'created' } : c));
}

/** Polls until every partition of `topics` has a leader, for up to 15 s; then throws `cause`. */
async function waitForLeaders(admin: Admin, topics: string[], cause: Error): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const led = await admin
      .fetchTopicMetadata({ topics })
      .then((m) => m.topics.length === topics.length && m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
      .catch(() => false);
    if (led) return;
    if (Date.now() > deadline) throw cause;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function topicConfigEntries(t: TopicConfig): { name: string; value: string }[] {
  return [
    { name: 'min.insync.replicas', value: String(t.minInsyncReplicas) },
    { name: 'cleanup.policy', value: t.compacted ? 'compact' : 'delete' },
  ];
}

/** Compares the topics on the cluster with the config; nothing is changed. */
export async function verifyTopics(admin: Admin, wanted: TopicConfig[]): Promise<TopicCheck[]> {
  const existing = await existingTopics(admin, wanted.map((t) => t.name));
  const present = wanted.filter((t) => existing.has(t.name));
  const metadata = present.length ? await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) }) : { topics: [] };
  const configs = present.length
    ? await admin.describeConfigs({
        includeSynonyms: false,
        resources: present.map((t) => ({
          type: ConfigResourceTypes.TOPIC,
          name: t.name,
          configNames: ['min.insync.replicas', 'cleanup.policy'],
        })),
      })
    : { resources: [] };
  return wanted.map((t): TopicCheck => {
    if (!existing.has(t.name)) return { topic: t.name, status: 'differs', differences: ['missing'] };
    const differences: string[] = [];
    const meta = metadata.topics.find((m) => m.name === t.name);
    const partitions = meta?.partitions.length ?? 0;
    if (partitions !== t.partitions) differences.push(`partitions ${partitions} (config says ${t.partitions})`);
    const rf = meta?.partitions[0]?.replicas.length ?? 0;
    if (rf !== t.replicationFactor) differences.push(`replication factor ${rf} (config says ${t.replicationFactor})`);
    const entries = configs.resources.find((r) => r.resourceName === t.name)?.configEntries ?? [];
    const value = (name: string) => entries.find((e) => e.configName === name)?.configValue;
    const isr = value('min.insync.replicas');
    if (isr !== String(t.minInsyncReplicas)) differences.push(`min.insync.replicas ${isr ?? '?'} (config says ${t.minInsyncReplicas})`);
    const policy = value('cleanup.policy');
    const wantedPolicy = t.compacted ? 'compact' : 'delete';
    if (policy !== wantedPolicy) differences.push(`cleanup.policy ${policy ?? '?'} (config says ${wantedPolicy})`);
    return { topic: t.name, status: differences.length ? 'differs' : 'ok', differences };
  });
}

/**
 * Which of `names` exist. kafkajs's listTopics asks for every topic of the cluster and fails when
 * any partition anywhere has no leader (another application's RF 1 topic on a stopped broker);
 * then ask topic by topic, which only our own topics' health can fail.
 */
async function existingTopics(admin: Admin, names: string[]): Promise<Set<string>> {
  try {
    return new Set(await admin.listTopics());
  } catch {
    const found = new Set<string>();
    for (const name of names) {
      try {
        await admin.fetchTopicMetadata({ topics: [name] });
        found.add(name);
      } catch (e) {
        if (!/does not host this topic-partition|UNKNOWN_TOPIC/i.test((e as Error).message)) throw e;
      }
    }
    return found;
  }
}

/**
 * Topics the brokers refused to create for a reason only the config can fix (more replicas than
 * brokers, more partitions than allowed): a ConfigError naming the keys, not "Topic creation errors".
 */
async function refusedTopics(admin: Admin, missing: TopicConfig[], e: Error & { errors?: { type?: string; topic?: string; message?: string }[] }): Promise<void> {
  const errors = e.errors ?? [];
  const rf = errors.filter((x) => x.type === 'INVALID_REPLICATION_FACTOR');
  if (rf.length > 0) {
    const brokers = await admin
      .describeCluster()
      .then((c) => c.brokers.length)
      .catch(() => null);
    const topics = missing.filter((t) => rf.some((x) => x.topic === t.name));
    const factors = [...new Set(topics.map((t) => t.replicationFactor))].join(' / ');
    throw new ConfigError(
      `the brokers refused to create ${topics.map((t) => t.name).join(', ')}: replication factor ${factors} needs that many brokers` +
        (brokers === null ? '' : `, and the cluster has ${brokers}`) +
        '. Lower topic_defaults.replication_factor (and topics.<topic>.replication_factor, min_insync_replicas) to at most the number of brokers, or point the config at a bigger cluster',
    );
  }
  const bad = errors.find((x) => x.type === 'INVALID_PARTITIONS' || x.type === 'INVALID_CONFIG' || x.type === 'POLICY_VIOLATION');
  if (bad) throw new ConfigError(`the brokers refused to create ${bad.topic ?? 'a topic'}: ${bad.message ?? bad.type} (see topic_defaults and topics.<topic> in the config)`);
}
