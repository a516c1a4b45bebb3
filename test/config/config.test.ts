import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, groupFor, loadConfig, parseConfig } from '../../src/config/load-config.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-config-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const rejects = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });

test('the shipped kafka_config.yaml targets the one-node local broker', () => {
  const c = loadConfig('kafka_config.yaml');
  assert.deepEqual(c.brokers, ['127.0.0.1:9092']);
  assert.equal(c.topics['cp-register'].name, 'cp-register');
  assert.equal(c.topics.telemetry.replicationFactor, 1);
  assert.equal(c.topics.telemetry.minInsyncReplicas, 1);
  assert.equal(c.topics['cp-state'].compacted, true);
  assert.equal(c.topics.telemetry.compacted, false);
  assert.equal(c.groups.central, 'central-group');
  assert.equal(groupFor(c, 'cp', 'CP001'), 'cp-CP001-group');
  assert.equal(groupFor(c, 'driver', 'DRIVER001'), 'driver-DRIVER001-group');
  assert.equal(c.heartbeatTimeoutMs, 3000);
  // The design's 3 partitions per topic, on one broker too (RF 1: the doctor warns about that).
  for (const t of Object.values(c.topics)) assert.equal(t.partitions, t.key === 'central-lease' ? 1 : 3, t.key);
});

test('the shipped cluster config asks for 3 partitions, RF 3, min ISR 2 on every topic (the lease topic: one partition)', () => {
  const c = loadConfig('kafka_config.cluster.yaml');
  assert.deepEqual(c.brokers, ['127.0.0.1:9092', '127.0.0.1:9093', '127.0.0.1:9094']);
  for (const t of Object.values(c.topics)) {
    assert.deepEqual([t.partitions, t.replicationFactor, t.minInsyncReplicas], [t.key === 'central-lease' ? 1 : 3, 3, 2], t.key);
  }
  assert.equal(c.takeoverTimeoutMs, 2000);
});

test('the original design topic names are all there', () => {
  const c = loadConfig('kafka_config.yaml');
  for (const name of ['cp-register', 'cp-register-ack', 'auth-request', 'auth-response', 'cp-commands', 'telemetry', 'health']) {
    assert.ok(Object.values(c.topics).some((t) => t.name === name), name);
  }
});

test('EVCHARGE_BROKERS overrides the bootstrap servers', () => {
  const c = loadConfig('kafka_config.yaml', { brokersOverride: '127.0.0.1:9093, 127.0.0.1:9094' });
  assert.deepEqual(c.brokers, ['127.0.0.1:9093', '127.0.0.1:9094']);
  rejects(() => loadConfig('kafka_config.yaml', { brokersOverride: 'nonsense' }), /EVCHARGE_BROKERS: expected host:port.*"nonsense"/);
});

test('a missing file says so and names the path', () => {
  rejects(() => loadConfig(path.join(dir, 'nope.yaml')), /nope\.yaml: cannot read it \(file not found\)/);
});

test('bad YAML names the line', () => {
  const file = write('bad.yaml', 'kafka:\n  bootstrap_servers:\n    - "127.0.0.1:9092"\n  retry: [unclosed\ntopic_defaults: {}\n');
  rejects(() => loadConfig(file), /bad\.yaml:\d+:\d+: invalid YAML/);
});

test('a wrong type names the key and its line', () => {
  const file = write(
    'types.yaml',
    'kafka:\n  bootstrap_servers:\n    - "127.0.0.1:9092"\ntopic_defaults:\n  partitions: three\n  replication_factor: 1\n  min_insync_replicas: 1\n',
  );
  rejects(() => loadConfig(file), /types\.yaml:5: topic_defaults\.partitions: .*number/);
});

test('a broker that is not host:port names the key', () => {
  rejects(
    () => parseConfig('kafka:\n  bootstrap_servers: ["localhost"]\ntopic_defaults: {partitions: 1, replication_factor: 1, min_insync_replicas: 1}\n', 'x.yaml'),
    /x\.yaml:2: kafka\.bootstrap_servers\.0: expected host:port/,
  );
});

test('an unknown key is refused, not ignored', () => {
  rejects(
    () =>
      parseConfig(
        'kafka:\n  bootstrap_servers: ["127.0.0.1:9092"]\ntopic_defaults: {partitions: 1, replication_factor: 1, min_insync_replicas: 1}\ntopics:\n  telemetryy: {}\n',
        'x.yaml',
      ),
    /topics: unknown key "telemetryy"/,
  );
});

test('min ISR above the replication factor is refused with the topic named', () => {
  rejects(
    () =>
      parseConfig(
        'kafka:\n  bootstrap_servers: ["127.0.0.1:9092"]\ntopic_defaults: {partitions: 1, replication_factor: 1, min_insync_replicas: 1}\ntopics:\n  health: {replication_factor: 2, min_insync_replicas: 3}\n',
        'x.yaml',
      ),
    /topics\.health: min_insync_replicas \(3\) is larger than replication_factor \(2\)/,
  );
});

test('a missing required section is named', () => {
  rejects(() => parseConfig('kafka:\n  bootstrap_servers: ["127.0.0.1:9092"]\n', 'x.yaml'), /topic_defaults: .*(Required|expected object)/i);
  rejects(() => parseConfig('- just\n- a list\n', 'x.yaml'), /expected a mapping/);
});
