import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aclCommandFor, aclPlan, aclsFor, instancesOf, type AclEntry } from '../../src/config/acl-plan.js';
import { parseConfig } from '../../src/config/load-config.js';
import { TOPIC_KEYS } from '../../src/bus/topics.js';

const config = parseConfig(
  'kafka:\n  bootstrap_servers: ["127.0.0.1:1"]\ntopic_defaults: { partitions: 3, replication_factor: 1, min_insync_replicas: 1 }\ntopics:\n  cp-commands: { name: net1.cp-commands }\n',
  'net.yaml',
);
const ops = (entries: AclEntry[], type: string, name: string) => entries.filter((e) => e.resourceType === type && e.name === name).map((e) => e.operation).sort();
const writes = (entries: AclEntry[]) => entries.filter((e) => e.resourceType === 'TOPIC' && e.operation === 'WRITE').map((e) => e.name).sort();
const reads = (entries: AclEntry[]) => entries.filter((e) => e.resourceType === 'TOPIC' && e.operation === 'READ').map((e) => e.name).sort();

test('a driver writes auth-request (and dead-letter, audit) only, and reads its answers and cp-state', () => {
  const d = aclsFor(config, { role: 'driver', id: 'D1' });
  assert.ok(d.every((e) => e.principal === 'User:driver-D1'));
  assert.deepEqual(writes(d), ['audit', 'auth-request', 'dead-letter']);
  assert.deepEqual(reads(d), ['auth-response', 'cp-state', 'driver-updates']);
  for (const t of ['net1.cp-commands', 'telemetry', 'health', 'cp-register']) assert.deepEqual(ops(d, 'TOPIC', t), ['DESCRIBE', 'DESCRIBE_CONFIGS'], `${t}: metadata only`);
  assert.deepEqual(
    d.filter((e) => e.resourceType === 'GROUP').map((e) => `${e.patternType} ${e.name} ${e.operation}`),
    ['LITERAL driver-D1-group READ', 'PREFIXED driver-D1-group-state- READ'],
  );
  assert.equal(d.filter((e) => e.resourceType === 'TRANSACTIONAL_ID').length, 0);
});

test('a CP writes its registration, telemetry and health, reads its commands, and may not answer drivers or command CPs', () => {
  const c = aclsFor(config, { role: 'cp', id: 'CP1' });
  assert.deepEqual(writes(c), ['audit', 'cp-register', 'dead-letter', 'health', 'telemetry']);
  assert.deepEqual(reads(c), ['cp-register-ack', 'net1.cp-commands']);
  assert.ok(!writes(c).includes('auth-response') && !writes(c).includes('net1.cp-commands'));
  assert.deepEqual(
    c.filter((e) => e.resourceType === 'GROUP').map((e) => `${e.patternType} ${e.name}`),
    ['LITERAL cp-CP1-group', 'PREFIXED cp-CP1-group-registration-'],
  );
});

test("only central writes cp-state, cp-commands and the answers; its groups and transactional ids follow the lease group", () => {
  const plan = aclPlan(config, instancesOf(['CP1', 'CP2'], ['D1']));
  for (const t of ['cp-state', 'net1.cp-commands', 'auth-response', 'driver-updates', 'cp-register-ack'])
    assert.deepEqual([...new Set(plan.filter((e) => e.name === t && e.operation === 'WRITE').map((e) => e.principal))], ['User:central'], t);
  const central = aclsFor(config, { role: 'central', id: null });
  assert.deepEqual(
    central.filter((e) => e.resourceType !== 'TOPIC').map((e) => `${e.resourceType} ${e.patternType} ${e.name} ${e.operation}`),
    [
      'GROUP LITERAL central-group READ',
      'GROUP LITERAL central-group-lease READ',
      'GROUP PREFIXED central-group-state- READ',
      'GROUP PREFIXED central-group-audit- READ',
      'GROUP PREFIXED central-group-lease.nudge- READ',
      'TRANSACTIONAL_ID LITERAL central-group-lease WRITE',
      'TRANSACTIONAL_ID PREFIXED central-group-lease.nudge- WRITE',
    ],
  );
  // Every role may see every configured topic's metadata and settings (each checks them at start).
  for (const who of plan.map((e) => e.principal))
    for (const key of TOPIC_KEYS) assert.ok(plan.some((e) => e.principal === who && e.name === config.topics[key].name && e.operation === 'DESCRIBE_CONFIGS'), `${who} ${key}`);
});

test("central reads the audit topic (its monitor's audit view) in groups of its own process; no CP or driver reads it", () => {
  const plan = aclPlan(config, instancesOf(['CP1'], ['D1']));
  assert.deepEqual([...new Set(plan.filter((e) => e.name === 'audit' && e.operation === 'READ').map((e) => e.principal))], ['User:central']);
  assert.deepEqual(
    plan.filter((e) => e.resourceType === 'GROUP' && e.name.includes('-audit-')).map((e) => `${e.principal} ${e.patternType} ${e.name} ${e.operation}`),
    ['User:central PREFIXED central-group-audit- READ'],
  );
  // Every role still writes it.
  assert.deepEqual([...new Set(plan.filter((e) => e.name === 'audit' && e.operation === 'WRITE').map((e) => e.principal))].sort(), ['User:central', 'User:cp-CP1', 'User:driver-D1']);
});

test('principal names come from the templates, and the fix line names the role instance', () => {
  const custom = parseConfig(
    'kafka:\n  bootstrap_servers: ["127.0.0.1:1"]\n  security:\n    protocol: SASL_SSL\n    mechanism: SCRAM-SHA-512\n    password_env: X\n    principals: { cp: "station-{cp_id}", central: office }\ntopic_defaults: { partitions: 1, replication_factor: 1, min_insync_replicas: 1 }\n',
    'site.yaml',
  );
  assert.ok(aclsFor(custom, { role: 'cp', id: 'CP9' }).every((e) => e.principal === 'User:station-CP9'));
  assert.ok(aclsFor(custom, { role: 'central', id: null }).every((e) => e.principal === 'User:office'));
  assert.equal(aclCommandFor(custom, 'cp', 'CP9'), 'evcharge acl --config site.yaml --cp CP9 --apply');
  assert.equal(aclCommandFor(custom, 'central'), 'evcharge acl --config site.yaml --apply');
});

test("the OCPP gateways' one principal writes what a CP and a driver write, reads their answers and the shared transactions, and may not command CPs, answer drivers or write cp-state", () => {
  const g = aclsFor(config, { role: 'ocpp', id: null });
  assert.ok(g.every((e) => e.principal === 'User:ocpp-gateway'));
  assert.deepEqual(writes(g), ['audit', 'auth-request', 'cp-register', 'dead-letter', 'health', 'ocpp-transactions', 'telemetry']);
  assert.deepEqual(reads(g), ['auth-response', 'cp-register-ack', 'net1.cp-commands', 'ocpp-transactions']);
  for (const t of ['cp-state', 'driver-updates']) assert.deepEqual(ops(g, 'TOPIC', t), ['DESCRIBE', 'DESCRIBE_CONFIGS'], `${t}: metadata only`);
  assert.deepEqual(g.filter((e) => e.resourceType === 'GROUP').map((e) => `${e.patternType} ${e.name} ${e.operation}`), ['PREFIXED cp-ocpp-gateway-group- READ']);
  assert.equal(aclCommandFor(config, 'ocpp'), 'evcharge acl --config net.yaml --ocpp --apply');
  assert.ok(!aclPlan(config, instancesOf([], [])).some((e) => e.role === 'ocpp'), 'only with --ocpp');
  assert.ok(aclPlan(config, instancesOf([], [], true)).some((e) => e.role === 'ocpp'));
});
