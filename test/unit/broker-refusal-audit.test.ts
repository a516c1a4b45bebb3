import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/load-config.js';
import { RefusalReporter, topicSetupRefusal } from '../../src/kafka/access-refusals.js';
import { publishOnce } from '../../src/kafka/publish-once.js';
import { brokerRefusalEntry } from '../../src/cli/refusal-audit.js';
import { encodeMessage } from '../../src/protocol/index.js';

// A driver whose config sends its requests to cp-commands, on a SASL cluster.
const config = parseConfig(
  'kafka:\n  bootstrap_servers: ["127.0.0.1:1"]\n  connection_timeout_ms: 300\n  security:\n    protocol: SASL_PLAINTEXT\n    mechanism: SCRAM-SHA-512\n    password_env: EVCHARGE_TEST_NO_PASSWORD\ntopic_defaults: { partitions: 1, replication_factor: 1, min_insync_replicas: 1 }\ntopics:\n  auth-request: { name: cp-commands }\n',
  'driver.yaml',
);
const driver = { role: 'driver', id: 'D1' };
const kafkaError = (type: string) => Object.assign(new Error(`kafkajs says ${type}`), { type });
const reporter = () => new RefusalReporter({ config, who: driver }, path.join(os.tmpdir(), 'evcharge-refusal-audit-test.log'));

test("a refused write becomes an audit entry naming the topic, the operation and the role's principal", () => {
  const refused = reporter().check(kafkaError('TOPIC_AUTHORIZATION_FAILED'), 'Write', () => reporter().topics(['auth-request']))!;
  assert.match(refused.message, /the brokers refused user driver-D1 Write on topic cp-commands/, 'the exit line is as before');
  assert.deepEqual(brokerRefusalEntry(driver, refused), {
    by: 'driver:D1',
    principal: 'driver-D1',
    action: 'broker-refusal',
    target: 'topic cp-commands',
    result: 'refused',
    detail: 'the brokers refused driver-D1 Write on topic cp-commands (topics.auth-request): no ACL allows it',
  });
});

test('a refused group or transactional id is named as such; a refusal on the audit topic itself is not audited', () => {
  const group = reporter().check(kafkaError('GROUP_AUTHORIZATION_FAILED'), 'Read', () => ({ resource: 'group driver-D1-group', topics: ['auth-response'] }))!;
  const e = brokerRefusalEntry(driver, group)!;
  assert.equal(e.target, 'group driver-D1-group');
  assert.equal(e.detail, 'the brokers refused driver-D1 Read on group driver-D1-group: no ACL allows it');
  const central = new RefusalReporter({ config, who: { role: 'central' } }, path.join(os.tmpdir(), 'evcharge-refusal-audit-test.log'));
  const tx = central.check(kafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'), 'Write', () => ({ resource: "the active central's transactional id" }))!;
  assert.deepEqual([brokerRefusalEntry({ role: 'central' }, tx)!.by, brokerRefusalEntry({ role: 'central' }, tx)!.target], ['central', "the active central's transactional id"]);

  const onAudit = reporter().check(kafkaError('TOPIC_AUTHORIZATION_FAILED'), 'Write', () => reporter().topics(['audit']))!;
  assert.equal(brokerRefusalEntry(driver, onAudit), null);
  // At start: topics it may not see. The audit topic among them: it could not take the entry.
  const hidden = (topics: string[]) => topicSetupRefusal(Object.assign(kafkaError('TOPIC_AUTHORIZATION_FAILED'), { errors: topics.map((topic) => ({ topic, type: 'TOPIC_AUTHORIZATION_FAILED' })) }), { config, who: driver })!;
  assert.equal(brokerRefusalEntry(driver, hidden(['telemetry']))!.target, 'topic telemetry');
  assert.equal(brokerRefusalEntry(driver, hidden(['telemetry', 'audit'])), null);
});

test('the last publish before exit is bounded: with no broker to take it, it gives up within its timeout and does not throw', async () => {
  const record = encodeMessage('audit.entry', 'driver:D1', { by: 'driver:D1', principal: 'driver-D1', action: 'broker-refusal', target: 'topic cp-commands', result: 'refused', detail: 'x' }, Date.now());
  const plain = parseConfig('kafka:\n  bootstrap_servers: ["127.0.0.1:1"]\n  connection_timeout_ms: 300\ntopic_defaults: { partitions: 1, replication_factor: 1, min_insync_replicas: 1 }\n', 'plain.yaml');
  const started = Date.now();
  assert.equal(await publishOnce(plain, driver, [record], 800), false);
  assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
});
