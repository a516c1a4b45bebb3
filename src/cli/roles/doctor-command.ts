import { localClock } from '../../protocol/index.js';
import type { CentralMember } from '../../kafka/doctor/centrals.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { runDoctorChecks, type DoctorReport, type GroupReport, type TopicReport, type TopicSettingsView } from '../../kafka/doctor/doctor.js';
import type { CommonArgs } from '../common-args.js';
import { ConfigError } from '../../config/load-config.js';

/**
 * `evcharge doctor [--config PATH] [--json]`: checks a deployment (brokers, topics, replication,
 * consumer groups and lag) and prints a report, or the report as one JSON document with --json.
 * Reads only. Exit 0 when healthy, 1 when any problem was found; warnings (settings that cannot
 * survive a broker failure, under-replicated partitions) do not change the exit code. Config and
 * usage errors exit 2 before this runs (run-command.ts).
 */
export async function runDoctor(config: EvchargeConfig, argv: CommonArgs): Promise<number> {
  let lastReason = '';
  let report: DoctorReport;
  try {
    report = await runDoctorChecks(config, {
      onWaiting: (_attempt, reason, leftMs) => {
        if (reason === lastReason) return;
        lastReason = reason;
        process.stderr.write(`evcharge doctor: no answer from ${config.brokers.join(', ')} (${reason}); retrying for up to ${Math.ceil(leftMs / 1000)} s\n`);
      },
    });
  } catch (e) {
    // A wrong password or CA is the config's fault: exit 2 with its one line (run-command).
    if (e instanceof ConfigError) throw e;
    process.stderr.write(`evcharge doctor: the check itself failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  process.stdout.write(argv.json ? JSON.stringify(report, null, 2) + '\n' : formatDoctorReport(report));
  return report.exitCode;
}

const STATUS_WORD: Record<TopicReport['status'], string> = {
  ok: 'OK',
  missing: 'MISSING',
  'no-leader': 'NO LEADER',
  differs: 'DIFFERS',
  'under-min-isr': 'UNDER ISR',
  'under-replicated': 'DEGRADED',
  unknown: 'UNKNOWN',
};

/** The readable report: one section per check, then warnings, problems and the verdict. */
export function formatDoctorReport(r: DoctorReport): string {
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line(`evcharge doctor · ${r.config} · ${r.checkedAt}`);
  line();

  line('Brokers (configured bootstrap addresses)');
  const addrWidth = Math.max(...r.brokers.configured.map((c) => c.address.length), 8);
  for (const c of r.brokers.configured) {
    if (c.answered) line(`  OK         ${c.address.padEnd(addrWidth)}  answers${c.nodeId !== null ? ` (node ${c.nodeId}, ${c.ms} ms)` : ` (${c.ms} ms; not an address the cluster advertises)`}`);
    else line(`  NO ANSWER  ${c.address.padEnd(addrWidth)}  ${c.reason}`);
  }
  const cl = r.brokers.cluster;
  if (cl) {
    const down = cl.notLive.length ? ` (${cl.notLive.length} more not live)` : '';
    line(`  cluster ${cl.clusterId ?? '(no id)'}: ${plural(cl.brokers.length, 'live broker')}${down}, controller ${cl.controller ?? 'none'}`);
    for (const b of cl.brokers) {
      line(`    node ${String(b.nodeId).padEnd(3)} ${b.address}${b.rack ? ` rack ${b.rack}` : ''}  ${b.answered ? 'answers' : `does not answer (${b.reason})`}${b.nodeId === cl.controller ? '  (controller)' : ''}`);
    }
    for (const id of cl.notLive) line(`    node ${String(id).padEnd(3)} not live: it holds replicas of these topics but is not in the cluster's metadata`);
  }
  line();

  if (!r.reached) {
    line('Topics and consumer groups: not checked (no broker answered)');
    line();
  } else {
    const nameWidth = Math.max(...r.topics.map((t) => t.name.length), 10);
    line(`Topics (${r.topics.length} configured): partitions · RF · min ISR · cleanup, as on the cluster`);
    const shown = (t: TopicReport) => (t.actual ? settingsText(t.actual) : `config wants ${settingsText(t.config)}`);
    const settingsWidth = Math.max(...r.topics.map((t) => shown(t).length));
    for (const t of r.topics) {
      const status = STATUS_WORD[t.status].padEnd(10);
      const settings = shown(t);
      const details: string[] = [];
      if (t.status !== 'missing') details.push(...t.differences);
      if (t.leaderless.length) details.push(`${plural(t.leaderless.length, 'partition', false)} ${t.leaderless.join(', ')} without a leader`);
      if (t.underMinIsr.length) details.push(`${partitionsWithIsr(t, t.underMinIsr)} below min ISR`);
      const degraded = t.underReplicated.filter((n) => !t.underMinIsr.includes(n));
      if (degraded.length) details.push(`under-replicated: ${partitionsWithIsr(t, degraded)}`);
      line(`  ${status} ${t.name.padEnd(nameWidth)}  ${details.length ? `${settings.padEnd(settingsWidth)}  ${details.join('; ')}` : settings}`);
    }
    line();

    const g = r.groups;
    line(`Consumer groups (central ${g.templates.central} · cp ${g.templates.cp} · driver ${g.templates.driver})`);
    if (!g.checked) line(`  ${g.error ?? 'not checked'}`);
    else {
      if (g.groups.length === 0) line('  none on the cluster');
      const who = (x: GroupReport) => (x.role === 'central' ? 'central' : `${x.role} ${x.id}`);
      const whoWidth = Math.max(...g.groups.map((x) => who(x).length), 7);
      const idWidth = Math.max(...g.groups.map((x) => x.groupId.length), 10);
      for (const x of g.groups) {
        const members = plural(x.members.length, 'member');
        const lag = x.error ? x.error : `lag ${x.lag}${x.topics.length ? ` (${x.topics.map(topicLagText).join(', ')})` : ' (no committed offsets)'}`;
        line(`  ${who(x).padEnd(whoWidth)}  ${x.groupId.padEnd(idWidth)}  ${x.state.padEnd(19)} ${members.padEnd(10)} ${lag}`);
        if (x.members.length === 0 && x.lag > 0) {
          // Central gone is a problem; a CP or a driver that is simply not running is not: its group
          // reads the shared topics from where it left off when it starts again.
          const waiting = `${plural(x.lag, 'record')} ${x.lag === 1 ? 'waits' : 'wait'}`;
          line(`  ${''.padEnd(whoWidth)}  ${x.role === 'central' ? `no member is consuming: ${waiting}` : `not running; ${waiting} for its next start`}`);
        }
      }
      const c = g.centrals;
      if (c) {
        const since = (ms: number | null) => (ms === null ? '' : ` since ${localClock(ms)}`);
        const name = (m: CentralMember) => `${m.host} pid ${m.pid}`;
        if (c.error) line(`  centrals: ${c.error}`);
        else if (!c.active && c.standbys.length === 0) line(`  centrals: none running (election group ${c.group} has no members)`);
        else {
          line(`  central active   ${c.active ? `${name(c.active)}${since(c.active.activeSince)}` : 'none: the lease is being handed over'}`);
          for (const s of c.standbys) line(`  central standby  ${name(s)} (started ${localClock(s.startedAt)})`);
        }
      }
      if (g.centralMissing) line(`  central group ${g.templates.central} not found: central has not run against this cluster, or its group has expired`);
      if (g.shortLived.length) line(`  (${plural(g.shortLived.length, 'short-lived group')} not listed: …-state-… and …-registration-… groups commit no offsets)`);
      if (g.checked && g.error) line(`  ${g.error}`);
    }
    line();
  }

  if (r.acls) {
    const a = r.acls;
    line('ACLs (one principal per role instance; what each needs is what `evcharge acl` grants)');
    if (!a.checked) line(`  ${a.error ?? 'not checked'}`);
    const whoWidth = Math.max(...a.instances.map((i) => (i.id ? `${i.role} ${i.id}` : i.role).length), 7);
    const pWidth = Math.max(...a.instances.map((i) => i.principal.length), 10);
    for (const i of a.instances) {
      const who = (i.id ? `${i.role} ${i.id}` : i.role).padEnd(whoWidth);
      if (i.missing.length === 0) line(`  OK       ${who}  ${i.principal.padEnd(pWidth)}  all ${i.needed} it needs`);
      else line(`  MISSING  ${who}  ${i.principal.padEnd(pWidth)}  lacks ${i.missing.length} of ${i.needed}: ${i.missing.join(', ')}  → ${i.fix}`);
    }
    for (const x of a.extra) line(`  MORE     ${x.principal === 'User:*' ? 'User:* (every user)' : x.principal}: ${x.acls.join(', ')} (no role needs ${x.acls.length === 1 ? 'it' : 'them'})`);
    line();
  }

  if (r.warnings.length) {
    line('Warnings: settings that cannot survive a broker failure, degraded replication, more access than needed (they do not change the exit code)');
    const all = r.topics.length;
    for (const w of r.warnings) {
      line(`  ! ${w.text}`);
      if (w.topics.length) line(`      ${w.topics.length === all && all > 1 && w.code !== 'under-replicated' ? `all ${all} topics` : w.topics.join(', ')}`);
    }
    line();
  }
  if (r.problems.length) {
    line('Problems');
    for (const p of r.problems) line(`  ✖ ${p}`);
    line();
  }
  const secs = (r.durationMs / 1000).toFixed(1);
  const warned = r.warnings.length ? `${plural(r.warnings.length, 'warning')}, which ${r.warnings.length === 1 ? 'does' : 'do'} not change the exit code` : 'no warnings';
  line(
    r.healthy
      ? `HEALTHY (exit 0) · ${warned} · checked in ${secs} s`
      : `NOT HEALTHY (exit 1) · ${plural(r.problems.length, 'problem')}${r.warnings.length ? `, ${plural(r.warnings.length, 'warning')}` : ''} · checked in ${secs} s`,
  );
  return out.join('\n') + '\n';
}

/** `partitions 0, 2 (ISR 2 of 3)`, or each with its own counts when they differ. */
function partitionsWithIsr(t: TopicReport, ns: number[]): string {
  const counts = ns.map((n) => {
    const p = t.partitions.find((x) => x.partition === n);
    return p ? `ISR ${p.isr.length} of ${p.replicas.length}` : 'ISR ?';
  });
  const word = plural(ns.length, 'partition', false);
  return new Set(counts).size === 1 ? `${word} ${ns.join(', ')} (${counts[0]})` : `${word} ${ns.map((n, i) => `${n} (${counts[i]})`).join(', ')}`;
}

function settingsText(s: TopicSettingsView): string {
  return `${s.partitions} · ${s.replicationFactor} · ${s.minInsyncReplicas ?? '?'} · ${s.cleanupPolicy ?? '?'}`;
}

function topicLagText(t: GroupReport['topics'][number]): string {
  const name = t.key ?? t.topic;
  if (t.partitions.every((p) => p.committed === null)) return `${name} none committed`;
  const lagging = t.partitions.filter((p) => (p.lag ?? 0) > 0);
  const perPartition = t.partitions.length > 1 && lagging.length ? ` [${lagging.map((p) => `p${p.partition} ${p.lag}`).join(' ')}]` : '';
  return `${name} ${t.lag}${perPartition}`;
}

function plural(n: number, word: string, withCount = true): string {
  const w = n === 1 ? word : `${word}s`;
  return withCount ? `${n} ${w}` : w;
}
