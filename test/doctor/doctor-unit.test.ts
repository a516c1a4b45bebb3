import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingsWarnings } from '../../src/kafka/doctor/settings.js';
import { groupPatterns, partitionLag } from '../../src/kafka/doctor/groups.js';
import { decodeMemberAssignment } from '../../src/kafka/doctor/metadata-probe.js';
import type { DoctorReport, TopicReport } from '../../src/kafka/doctor/doctor.js';
import { formatDoctorReport } from '../../src/cli/roles/doctor-command.js';
import { topicEndOffsets } from '../../src/kafka/doctor/group-lag.js';
import type { Admin } from '../../src/kafka/kafkajs.js';

const topic = (name: string, replicationFactor: number, minInsyncReplicas: number) => ({ name, replicationFactor, minInsyncReplicas });

test('RF 2 with min ISR 2 (the original design): one broker down blocks writes with acks=all', () => {
  const w = settingsWarnings([topic('telemetry', 2, 2), topic('health', 2, 2)], 3);
  assert.equal(w.length, 1);
  assert.equal(w[0]!.code, 'min-isr-equals-rf');
  assert.match(w[0]!.text, /^replication factor 2 with min\.insync\.replicas 2: one broker down blocks writes with acks=all/);
  assert.deepEqual(w[0]!.topics, ['telemetry', 'health']);
});

test('RF 1, min ISR above RF, min ISR 1, RF above the brokers, and small clusters are each named', () => {
  const codes = (ts: ReturnType<typeof topic>[], brokers: number | null) => settingsWarnings(ts, brokers).map((w) => w.code).sort();
  assert.deepEqual(codes([topic('a', 1, 1)], 1), ['few-brokers', 'rf-1']);
  assert.deepEqual(codes([topic('a', 2, 3)], 3), ['min-isr-above-rf']);
  assert.deepEqual(codes([topic('a', 3, 1)], 3), ['min-isr-1']);
  assert.deepEqual(codes([topic('a', 3, 2)], 2), ['few-brokers', 'rf-above-brokers']);
  assert.deepEqual(codes([topic('a', 3, 2)], 3), [], 'RF 3, min ISR 2 on three brokers survives one failure');
  assert.deepEqual(codes([topic('a', 3, 3)], 3), ['min-isr-equals-rf']);
  const rf3 = settingsWarnings([topic('a', 3, 2)], 1).find((w) => w.code === 'rf-above-brokers');
  assert.match(rf3!.text, /replication factor 3 needs 3 brokers but the cluster has 1:/);
});

test('group templates: central exactly, cp and driver ids extracted, short-lived groups told apart', () => {
  const p = groupPatterns({ central: 'central-group', cp: 'cp-{cp_id}-group', driver: 'driver-{driver_id}-group' });
  assert.deepEqual(p.match('central-group'), { groupId: 'central-group', role: 'central', id: null });
  assert.deepEqual(p.match('cp-CP001-group'), { groupId: 'cp-CP001-group', role: 'cp', id: 'CP001' });
  assert.deepEqual(p.match('driver-DRIVER_7-group'), { groupId: 'driver-DRIVER_7-group', role: 'driver', id: 'DRIVER_7' });
  assert.equal(p.match('cp-CP001-group-registration-ab12'), null);
  assert.equal(p.match('central-group-state-1a2b3c4d'), null);
  assert.equal(p.match('someone-elses-group'), null);
  assert.equal(p.match('cp-has space-group'), null);
  assert.ok(p.isShortLived('cp-CP001-group-registration-ab12'));
  assert.ok(p.isShortLived('central-group-state-1a2b3c4d'));
  // A central monitor's audit reader, and `evcharge audit`'s.
  assert.ok(p.isShortLived('central-group-audit-1a2b3c4d'));
  assert.ok(!p.isShortLived('someone-elses-group'));
  // Templates with regex characters are taken literally.
  const q = groupPatterns({ central: 'c.g', cp: 'x.{cp_id}+', driver: 'd-{driver_id}' });
  assert.equal(q.match('cxg'), null);
  assert.deepEqual(q.match('x.A+'), { groupId: 'x.A+', role: 'cp', id: 'A' });
});

test('lag is end minus committed, and unknown without a commit', () => {
  assert.equal(partitionLag(3, 10), 7);
  assert.equal(partitionLag(10, 10), 0);
  assert.equal(partitionLag(null, 10), null);
  assert.equal(partitionLag(-1, 10), null);
});

test('member assignments decode from the classic consumer protocol bytes', () => {
  // version 0, [ {"t", [0, 2]} ], userData null
  const b = Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual(decodeMemberAssignment(b), { t: [0, 2] });
  assert.deepEqual(decodeMemberAssignment(Buffer.alloc(0)), {});
  assert.deepEqual(decodeMemberAssignment(Buffer.from([0, 0, 0, 0, 0, 9])), {}, 'truncated bytes give no assignment, not an error');
});

test('the text report names leaderless and under-replicated partitions and says warnings do not fail', () => {
  const t = (name: string, over: Partial<TopicReport>): TopicReport => ({
    key: 'telemetry',
    name,
    status: 'ok',
    differences: [],
    config: { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2, cleanupPolicy: 'delete' },
    actual: { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2, cleanupPolicy: 'delete' },
    leaderless: [],
    underReplicated: [],
    underMinIsr: [],
    partitions: [0, 1, 2].map((partition) => ({ partition, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], offline: [] })),
    ...over,
  });
  const report: DoctorReport = {
    acls: null,
    config: 'x.yaml',
    checkedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1234,
    healthy: false,
    exitCode: 1,
    reached: true,
    brokers: {
      configured: [{ address: '127.0.0.1:9092', answered: true, nodeId: 1, ms: 3, reason: null }],
      cluster: { clusterId: 'abc', controller: 1, brokers: [{ nodeId: 1, address: '127.0.0.1:9092', rack: null, answered: true, reason: null }], notLive: [2, 3] },
    },
    topics: [
      t('a.telemetry', {
        status: 'no-leader',
        leaderless: [2],
        partitions: [
          { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], offline: [] },
          { partition: 1, leader: 1, replicas: [1, 2, 3], isr: [1], offline: [2, 3] },
          { partition: 2, leader: null, replicas: [2], isr: [], offline: [2] },
        ],
        underReplicated: [1],
        underMinIsr: [1],
      }),
      t('a.health', { status: 'under-replicated', underReplicated: [0], partitions: [{ partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 3], offline: [2] }] }),
      t('a.cp-state', { status: 'missing', differences: ['missing'], actual: null, partitions: [] }),
    ],
    groups: { checked: true, error: null, templates: { central: 'cg', cp: 'cp-{cp_id}', driver: 'd-{driver_id}' }, groups: [], centralMissing: true, shortLived: [], centrals: null },
    problems: ['topic a.telemetry: partition 2 has no leader'],
    warnings: [{ code: 'under-replicated', text: 'under-replicated partitions', topics: ['a.telemetry (partition 1)'] }],
  };
  const text = formatDoctorReport(report);
  assert.match(text, /NO LEADER\s+a\.telemetry\s+3 · 3 · 2 · delete\s+partition 2 without a leader; partition 1 \(ISR 1 of 3\) below min ISR$/m);
  assert.match(text, /DEGRADED\s+a\.health .*under-replicated: partition 0 \(ISR 2 of 3\)/);
  assert.match(text, /MISSING\s+a\.cp-state\s+config wants 3 · 3 · 2 · delete/);
  assert.match(text, /central group cg not found/);
  assert.match(text, /they do not change the exit code/);
  assert.match(text, /✖ topic a\.telemetry: partition 2 has no leader/);
  assert.match(text, /NOT HEALTHY \(exit 1\) · 1 problem, 1 warning · checked in 1\.2 s\n$/);
});

test("end offsets: kafkajs's stale-metadata TypeError and an empty answer are asked again after a metadata read; a real error is not", async () => {
  const calls: string[] = [];
  const answers: Array<() => unknown> = [
    () => {
      throw new TypeError("Cannot destructure property 'partitions' of 'high.pop(...)' as it is undefined.");
    },
    () => [],
    () => [{ partition: 0, high: '7', low: '0', offset: '7' }, { partition: 2, high: '3', low: '0', offset: '3' }],
  ];
  const admin = {
    fetchTopicOffsets: async (topic: string) => (calls.push(`offsets ${topic}`), answers.shift()!()),
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => (calls.push(`metadata ${topics.join(',')}`), { topics: [] }),
  } as unknown as Admin;
  const ends = await topicEndOffsets(admin, 'cp-commands', 10_000);
  assert.deepEqual([...ends], [[0, 7], [2, 3]]);
  assert.deepEqual(calls, ['offsets cp-commands', 'metadata cp-commands', 'offsets cp-commands', 'metadata cp-commands', 'offsets cp-commands']);

  let asked = 0;
  const refusing = {
    fetchTopicOffsets: async () => {
      asked++;
      throw new Error('Not authorized to access topics: [Topic authorization failed]');
    },
    fetchTopicMetadata: async () => ({ topics: [] }),
  } as unknown as Admin;
  await assert.rejects(topicEndOffsets(refusing, 'telemetry', 10_000), /Not authorized/);
  assert.equal(asked, 1, 'a refusal is the answer, not a stale view: asked once');

  const stale = {
    fetchTopicOffsets: async () => [],
    fetchTopicMetadata: async () => ({ topics: [] }),
  } as unknown as Admin;
  await assert.rejects(topicEndOffsets(stale, 'health', 10_000, 2), /the cluster listed no partitions of health/);
});
