import { TOPIC_KEYS, type TopicKey } from '../../bus/topics.js';
import type { EvchargeConfig, TopicConfig } from '../../config/schema.js';
import { createKafka } from '../kafka-client.js';
import { ConfigResourceTypes, type Admin } from '../kafkajs.js';
import { verifyTopics } from '../topic-setup.js';
import { leaseGroupOf } from '../../config/load-config.js';
import { checkCentrals } from './centrals.js';
import { checkGroups, type GroupsReport } from './group-lag.js';
import { bounded, mapLimit, plural, reason, sleep } from './steps.js';
import { ERROR_UNKNOWN_TOPIC, kafkaErrorName, probeMetadata, type ProbeMetadata, type ProbeTopic } from './metadata-probe.js';
import { settingsWarnings, type SettingsWarning } from './settings.js';
import type { ProbeAuth } from './probe-connection.js';
import { connectRefusal } from '../connect-refusals.js';
import { checkAcls, type AclReport } from './acls.js';
import { clientSecurity } from '../kafka-security.js';

interface Probing {
  config: EvchargeConfig;
  auth: ProbeAuth | null;
  username: string | null;
}

/** The doctor's own requests go as its kafkajs clients do: TLS and SASL as kafka.security says, as the admin. */
function probingFor(config: EvchargeConfig): Probing {
  const security = config.security;
  if (!security) return { config, auth: null, username: null };
  const { username, sasl } = clientSecurity(config, { role: 'doctor' });
  return {
    config,
    username,
    auth: {
      tls: security.tls ? { ca: security.ca } : null,
      sasl: sasl && security.sasl && username !== null ? { mechanism: security.sasl.mechanism, username, password: (sasl as { password: string }).password } : null,
    },
  };
}

/**
 * `evcharge doctor`'s checks. Reads only: no topic, group or offset is created or changed.
 *
 * A problem makes the deployment unhealthy (exit 1): a configured broker that does not answer (or
 * none at all within startup_timeout_ms), a cluster broker clients cannot reach, a topic missing or
 * set up differently from the config, a partition without a leader or with fewer in-sync replicas
 * than min.insync.replicas, a check that could not be made. A warning does not: settings that
 * cannot survive a broker failure (RF 1 on the one-node dev cluster is expected), under-replicated
 * partitions that still take writes.
 */

export interface AddressCheck {
  address: string;
  answered: boolean;
  /** The broker's node id, when the address is one the cluster advertises. */
  nodeId: number | null;
  ms: number | null;
  reason: string | null;
}

export interface ClusterBroker {
  nodeId: number;
  address: string;
  rack: string | null;
  answered: boolean;
  reason: string | null;
}

export interface ClusterReport {
  clusterId: string | null;
  controller: number | null;
  /** The live brokers, as the cluster's metadata lists them. */
  brokers: ClusterBroker[];
  /** Brokers our topics have replicas on that are not live (stopped, crashed, fenced). */
  notLive: number[];
}

export interface PartitionReport {
  partition: number;
  leader: number | null;
  replicas: number[];
  isr: number[];
  offline: number[];
}

export type TopicStatus = 'ok' | 'missing' | 'no-leader' | 'differs' | 'under-min-isr' | 'under-replicated' | 'unknown';

export interface TopicSettingsView {
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number | null;
  cleanupPolicy: string | null;
}

export interface TopicReport {
  key: TopicKey;
  name: string;
  status: TopicStatus;
  /** Phrases as the roles log them, e.g. `partitions 1 (config says 3)`; `missing`. */
  differences: string[];
  config: TopicSettingsView;
  /** As on the cluster; null when the topic is missing or could not be read. */
  actual: TopicSettingsView | null;
  leaderless: number[];
  underReplicated: number[];
  underMinIsr: number[];
  partitions: PartitionReport[];
}


export interface DoctorWarning {
  code: SettingsWarning['code'] | 'under-replicated' | 'no-controller' | 'acl-extra' | 'no-authorizer';
  text: string;
  topics: string[];
}

export interface DoctorReport {
  config: string;
  checkedAt: string;
  durationMs: number;
  healthy: boolean;
  exitCode: 0 | 1;
  /** false when no configured broker answered: nothing else was checked. */
  reached: boolean;
  brokers: { configured: AddressCheck[]; cluster: ClusterReport | null };
  topics: TopicReport[];
  groups: GroupsReport;
  /** On a secure config (kafka.security): who lacks an ACL, who has more than needed; null otherwise. */
  acls: AclReport | null;
  problems: string[];
  warnings: DoctorWarning[];
}

export interface DoctorOptions {
  /** Called after each round of probes in which no configured broker answered. */
  onWaiting?: (attempt: number, reason: string, leftMs: number) => void;
  /** Default: config.startupTimeoutMs. */
  startupTimeoutMs?: number;
}

export async function runDoctorChecks(config: EvchargeConfig, options: DoctorOptions = {}): Promise<DoctorReport> {
  const started = Date.now();
  const problems: string[] = [];
  const warnings: DoctorWarning[] = [];
  const wanted = TOPIC_KEYS.map((k) => config.topics[k]);
  const names = wanted.map((t) => t.name);
  let aclReport: AclReport | null = null;
  const groupsReport: GroupsReport = { checked: false, error: null, templates: config.groups, groups: [], centralMissing: false, shortLived: [], centrals: null };
  const finish = (reached: boolean, configured: AddressCheck[], cluster: ClusterReport | null, topics: TopicReport[]): DoctorReport => {
    const healthy = problems.length === 0;
    return {
      config: config.source,
      checkedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      healthy,
      exitCode: healthy ? 0 : 1,
      reached,
      brokers: { configured, cluster },
      topics,
      groups: groupsReport,
      acls: aclReport,
      problems,
      warnings,
    };
  };

  const probing = probingFor(config);
  // 1. Brokers: which configured addresses answer a metadata request, retried (bounded) until one does.
  const startupMs = options.startupTimeoutMs ?? config.startupTimeoutMs;
  const probeMs = config.connectionTimeoutMs + Math.min(config.requestTimeoutMs, 10000);
  const deadline = started + startupMs;
  let configured: AddressCheck[] = [];
  let meta: ProbeMetadata | null = null;
  for (let attempt = 1; ; attempt++) {
    const left = deadline - Date.now();
    const results = await Promise.all(config.brokers.map((a) => probeAddress(a, names, Math.max(500, Math.min(probeMs, left)), probing)));
    configured = results.map((r) => r.check);
    meta = results.find((r) => r.meta !== null)?.meta ?? null;
    if (meta !== null) break;
    const reason = configured[0]?.reason ?? 'no answer';
    const leftNow = deadline - Date.now();
    if (leftNow <= 0) {
      const reasons = [...new Set(configured.map((c) => c.reason))].join('; ');
      problems.push(`no broker answered at ${config.brokers.join(', ')} within ${Math.round((Date.now() - started) / 1000)} s (${reasons})`);
      groupsReport.error = 'not checked: no broker answered';
      return finish(false, configured, null, []);
    }
    options.onWaiting?.(attempt, reason, leftNow);
    await sleep(Math.min(1000, leftNow));
  }
  for (const c of configured) if (!c.answered) problems.push(`broker ${c.address} does not answer (${c.reason})`);

  // The cluster as the answering broker sees it; every advertised broker must be reachable too,
  // since clients talk to each partition's leader directly.
  const answered = new Map(configured.filter((c) => c.answered).map((c) => [c.address, c]));
  const brokers = await Promise.all(
    meta.brokers.map(async (b): Promise<ClusterBroker> => {
      const address = `${b.host}:${b.port}`;
      const known = answered.get(address);
      if (known) return { nodeId: b.nodeId, address, rack: b.rack, answered: true, reason: null };
      const probe = await probeAddress(address, [], probeMs, probing);
      return { nodeId: b.nodeId, address, rack: b.rack, answered: probe.check.answered, reason: probe.check.reason };
    }),
  );
  brokers.sort((a, b) => a.nodeId - b.nodeId);
  for (const c of configured) c.nodeId = brokers.find((b) => b.address === c.address)?.nodeId ?? null;
  for (const b of brokers) {
    if (!b.answered) problems.push(`cluster broker ${b.nodeId} at ${b.address} does not answer (${b.reason}): clients cannot reach the partitions it leads`);
  }
  const live = new Set(brokers.map((b) => b.nodeId));
  const notLive = [...new Set(meta.topics.flatMap((t) => t.partitions.flatMap((p) => p.replicas)))].filter((id) => !live.has(id)).sort((a, b) => a - b);
  const cluster: ClusterReport = { clusterId: meta.clusterId, controller: meta.controllerId >= 0 ? meta.controllerId : null, brokers, notLive };
  if (cluster.controller === null) warnings.push({ code: 'no-controller', text: 'the cluster names no controller', topics: [] });

  // An admin client on the addresses that answered, with short retries (a doctor reports, it
  // does not wait out an election), and every step bounded.
  const reachable = configured.filter((c) => c.answered).map((c) => c.address);
  const retry = { initialRetryTimeMs: 100, maxRetryTimeMs: 1000, retries: 2 };
  const { kafka } = createKafka({ ...config, brokers: reachable, retry }, { role: 'doctor' });
  const admin = kafka.admin({ retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } });
  const stepMs = config.requestTimeoutMs + 5000;
  let adminUp = true;
  try {
    await bounded(admin.connect(), stepMs, 'connecting the admin client');
  } catch (e) {
    adminUp = false;
    problems.push(`could not open an admin connection to ${reachable.join(', ')}: ${reason(e)}`);
  }
  // kafkajs refreshes metadata for the topics it has been asked about, or, before any, for every
  // topic of the cluster, which fails as long as any partition anywhere has no leader. Asking about
  // one of our topics that has all its leaders first keeps every later refresh to that set.
  const anchor = meta.topics.find((t) => names.includes(t.name) && t.errorCode === 0 && t.partitions.every((p) => p.leader >= 0));
  if (adminUp && anchor) await bounded(admin.fetchTopicOffsets(anchor.name), stepMs, 'reading end offsets').catch(() => {});

  try {
    // 2. Topics.
    const topics = await checkTopics(adminUp ? admin : null, wanted, meta.topics, stepMs, problems);
    // Under-replicated but still at or above min ISR: a warning (below it is a problem above).
    const degraded = topics
      .map((t) => ({ name: t.name, partitions: t.underReplicated.filter((p) => !t.underMinIsr.includes(p)) }))
      .filter((t) => t.partitions.length > 0);
    if (degraded.length > 0) {
      warnings.push({
        code: 'under-replicated',
        text: 'under-replicated partitions (fewer in-sync replicas than replicas: a broker is down or behind); writes go on, but one more broker failure may stop them',
        topics: degraded.map((t) => `${t.name} (${plural(t.partitions.length, 'partition')} ${t.partitions.join(', ')})`),
      });
    }

    // 4. Settings that cannot survive a broker failure: as configured, and as on the cluster
    // where an existing topic differs.
    const settings = topics.flatMap((t) => {
      const configured = { name: t.name, replicationFactor: t.config.replicationFactor, minInsyncReplicas: t.config.minInsyncReplicas ?? 1 };
      if (t.actual === null || t.actual.replicationFactor === 0) return [configured];
      return [configured, { name: t.name, replicationFactor: t.actual.replicationFactor, minInsyncReplicas: t.actual.minInsyncReplicas ?? configured.minInsyncReplicas }];
    });
    // The cluster's size: its live brokers and any down one that still holds replicas.
    warnings.push(...settingsWarnings(settings, brokers.length + notLive.length));

    // 3. Consumer groups and their lag.
    if (adminUp) {
      const readable = topics.filter((t) => t.actual !== null && t.leaderless.length === 0).map((t) => t.name);
      await checkGroups(admin, config, readable, stepMs, groupsReport);
      groupsReport.centrals = await bounded(checkCentrals(admin, config), stepMs, 'describing the centrals').catch((e: Error) => ({
        group: leaseGroupOf(config.groups.central),
        active: null,
        standbys: [],
        error: e.message,
      }));
      if (groupsReport.error !== null) problems.push(`consumer groups: ${groupsReport.error}`);
      if (config.security) aclReport = await aclCheck(admin, config, groupsReport, stepMs, problems, warnings);
    } else {
      groupsReport.error = 'not checked: no admin connection';
    }
    return finish(true, configured, cluster, topics);
  } finally {
    await bounded(admin.disconnect(), 5000, 'disconnecting').catch(() => {});
  }
}

/** 5. ACLs (secure configs only): a role lacking one is a problem, a principal with more a warning. */
async function aclCheck(admin: Admin, config: EvchargeConfig, groups: GroupsReport, stepMs: number, problems: string[], warnings: DoctorWarning[]): Promise<AclReport> {
  const ids = (role: 'cp' | 'driver') => groups.groups.filter((g) => g.role === role && g.id !== null).map((g) => g.id!);
  const report = await bounded(checkAcls(admin, config, { cps: ids('cp'), drivers: ids('driver') }), stepMs, 'reading the ACLs').catch(
    (e: Error): AclReport => ({ checked: false, error: e.message, instances: [], extra: [] }),
  );
  if (report.error !== null) {
    if (/no authorizer/.test(report.error)) warnings.push({ code: 'no-authorizer', text: report.error, topics: [] });
    else problems.push(`ACLs: ${report.error}`);
  }
  for (const i of report.instances) {
    if (i.missing.length === 0) continue;
    const who = i.id === null ? (i.role === 'ocpp' ? 'ocpp gateways' : i.role) : `${i.role} ${i.id}`;
    problems.push(`${who} (${i.principal}) lacks ${i.missing.length} ${plural(i.missing.length, 'ACL')} it needs: ${i.missing.join(', ')}; grant them: ${i.fix}`);
  }
  for (const x of report.extra)
    warnings.push({ code: 'acl-extra', text: `${x.principal === 'User:*' ? 'User:* (every user)' : x.principal} has more than its roles need: ACLs no role of this config needs`, topics: x.acls });
  return report;
}

async function probeAddress(address: string, topics: string[], timeoutMs: number, probing: Probing): Promise<{ check: AddressCheck; meta: ProbeMetadata | null }> {
  const t0 = Date.now();
  try {
    const meta = await probeMetadata(address, topics, timeoutMs, 'evcharge-doctor', probing.auth);
    return { check: { address, answered: true, nodeId: null, ms: Date.now() - t0, reason: null }, meta };
  } catch (e) {
    // A wrong password or an untrusted certificate: the config is wrong, not the cluster (exit 2).
    const refused = connectRefusal(e, probing.config, probing.username);
    if (refused) throw refused;
    return { check: { address, answered: false, nodeId: null, ms: null, reason: reason(e) }, meta: null };
  }
}

async function checkTopics(admin: Admin | null, wanted: TopicConfig[], found: ProbeTopic[], stepMs: number, problems: string[]): Promise<TopicReport[]> {
  const byName = new Map(found.map((t) => [t.name, t]));
  const present = wanted.filter((t) => {
    const m = byName.get(t.name);
    return m !== undefined && m.errorCode !== ERROR_UNKNOWN_TOPIC;
  });

  // min.insync.replicas and cleanup.policy as on the cluster (describeConfigs needs no leader).
  const configs = new Map<string, Map<string, string>>();
  let configsError: string | null = admin === null ? 'no admin connection' : null;
  if (admin !== null && present.length > 0) {
    try {
      const described = await bounded(
        admin.describeConfigs({
          includeSynonyms: false,
          resources: present.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name, configNames: ['min.insync.replicas', 'cleanup.policy'] })),
        }),
        stepMs,
        'describing topic configs',
      );
      for (const r of described.resources) configs.set(r.resourceName, new Map(r.configEntries.map((e) => [e.configName, e.configValue])));
    } catch (e) {
      configsError = reason(e);
    }
  }
  if (configsError !== null && present.length > 0) problems.push(`could not read the topics' min.insync.replicas and cleanup.policy: ${configsError}`);

  // The topics' differences from the config, from topic-setup's verifyTopics (as the roles report
  // them). kafkajs cannot describe a topic with a leaderless partition at all, so those are
  // compared here from the probe's metadata, with the same phrases.
  const led = present.filter((t) => byName.get(t.name)!.errorCode === 0 && byName.get(t.name)!.partitions.every((p) => p.leader >= 0));
  const verified = new Map<string, string[]>();
  if (admin !== null && configsError === null && led.length > 0) {
    try {
      for (const c of await bounded(verifyTopics(admin, led), stepMs, 'verifying topics')) verified.set(c.topic, c.differences);
    } catch {
      // A leader lost in between: compare them here instead.
    }
  }

  return wanted.map((t): TopicReport => {
    const policy = t.compacted ? 'compact' : 'delete';
    const base = {
      key: t.key,
      name: t.name,
      config: { partitions: t.partitions, replicationFactor: t.replicationFactor, minInsyncReplicas: t.minInsyncReplicas, cleanupPolicy: policy },
      leaderless: [] as number[],
      underReplicated: [] as number[],
      underMinIsr: [] as number[],
      partitions: [] as PartitionReport[],
    };
    const m = byName.get(t.name);
    if (m === undefined || m.errorCode === ERROR_UNKNOWN_TOPIC) {
      problems.push(`topic ${t.name}: missing`);
      return { ...base, status: 'missing', differences: ['missing'], actual: null };
    }
    if (m.errorCode !== 0) {
      problems.push(`topic ${t.name}: the cluster cannot describe it (${kafkaErrorName(m.errorCode)})`);
      return { ...base, status: 'unknown', differences: [], actual: null };
    }
    const entries = configs.get(t.name);
    const isrSetting = entries?.get('min.insync.replicas');
    const actual: TopicSettingsView = {
      partitions: m.partitions.length,
      replicationFactor: m.partitions[0]?.replicas.length ?? 0,
      minInsyncReplicas: isrSetting !== undefined && /^\d+$/.test(isrSetting) ? Number(isrSetting) : null,
      cleanupPolicy: entries?.get('cleanup.policy') ?? null,
    };
    const partitions = m.partitions.map((p) => ({ partition: p.partition, leader: p.leader >= 0 ? p.leader : null, replicas: p.replicas, isr: p.isr, offline: p.offline }));
    const minIsr = actual.minInsyncReplicas ?? t.minInsyncReplicas;
    const leaderless = partitions.filter((p) => p.leader === null).map((p) => p.partition);
    const underReplicated = partitions.filter((p) => p.leader !== null && p.isr.length < p.replicas.length).map((p) => p.partition);
    const underMinIsr = partitions.filter((p) => p.leader !== null && p.isr.length < minIsr).map((p) => p.partition);

    let differences = verified.get(t.name);
    if (differences === undefined) {
      differences = [];
      if (actual.partitions !== t.partitions) differences.push(`partitions ${actual.partitions} (config says ${t.partitions})`);
      if (actual.replicationFactor !== t.replicationFactor) differences.push(`replication factor ${actual.replicationFactor} (config says ${t.replicationFactor})`);
      if (entries !== undefined) {
        if (isrSetting !== String(t.minInsyncReplicas)) differences.push(`min.insync.replicas ${isrSetting ?? '?'} (config says ${t.minInsyncReplicas})`);
        if (actual.cleanupPolicy !== policy) differences.push(`cleanup.policy ${actual.cleanupPolicy ?? '?'} (config says ${policy})`);
      }
    }

    if (differences.length > 0) problems.push(`topic ${t.name}: ${differences.join('; ')}`);
    if (leaderless.length > 0) {
      const down = [...new Set(partitions.filter((p) => p.leader === null).flatMap((p) => p.replicas))].sort((a, b) => a - b);
      problems.push(
        `topic ${t.name}: ${plural(leaderless.length, 'partition')} ${leaderless.join(', ')} ${leaderless.length > 1 ? 'have' : 'has'} no leader (replicas on broker${down.length > 1 ? 's' : ''} ${down.join(', ')}): nothing can be read from or written to ${leaderless.length > 1 ? 'them' : 'it'}`,
      );
    }
    if (underMinIsr.length > 0) {
      const inSync = underMinIsr.map((n) => partitions.find((p) => p.partition === n)?.isr.length ?? '?');
      const detail = new Set(inSync).size === 1 ? `${underMinIsr.join(', ')} (${inSync[0]} in sync)` : underMinIsr.map((n, i) => `${n} (${inSync[i]} in sync)`).join(', ');
      problems.push(`topic ${t.name}: ${plural(underMinIsr.length, 'partition')} ${detail} below min.insync.replicas ${minIsr}: writes with acks=all fail`);
    }
    const status: TopicStatus =
      leaderless.length > 0 ? 'no-leader' : differences.length > 0 ? 'differs' : underMinIsr.length > 0 ? 'under-min-isr' : underReplicated.length > 0 ? 'under-replicated' : 'ok';
    return { ...base, status, differences, actual, partitions, leaderless, underReplicated, underMinIsr };
  });
}

export type { GroupMember, GroupReport, GroupsReport, GroupTopicLag, PartitionLag } from './group-lag.js';
