import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isolatedConfigYaml, uniqueTag } from '../helpers/kafka-env.js';
import { REPO, runCli } from '../helpers/run-cli.js';

// A broker with Kafka's default minimum session (6000 ms), as a user's own cluster has: the local
// Kafka of scripts/kafka.mjs allows 500, so this test starts a node of its own that does not.
const PORT = 19492;
const home = mkdtempSync(path.join(os.tmpdir(), 'evcharge-strict-broker-'));
const kafka = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO, 'scripts', 'kafka.mjs'), ...args], { encoding: 'utf8' });
const broker = `127.0.0.1:${PORT}`;

before(() => {
  const r = kafka('node', 'up', '--id', '1', '--address', '127.0.0.1', '--quorum', `1@127.0.0.1:${PORT + 1}`, '--port', String(PORT), '--controller-port', String(PORT + 1), '--home', home, '--set', 'group.min.session.timeout.ms=6000');
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
after(() => {
  kafka('node', 'kill', '--home', home);
});

const configWith = (session: number) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'evcharge-session-')), 'kafka_config.yaml');
  writeFileSync(file, isolatedConfigYaml(uniqueTag(), { replicationFactor: 1, brokers: [broker] }).replace(/^kafka:\n/, `kafka:\n  session_timeout_ms: ${session}\n`));
  return file;
};

for (const session of [1000, 3000]) {
  test(`kafka.session_timeout_ms ${session} on a broker whose minimum is 6000: exit 2 naming the key, the broker's range and the fix`, async () => {
    for (const role of [['driver', '--id', 'DSTRICT'], ['cp', '--id', 'CPSTRICT']]) {
      const r = await runCli([...role, '--no-tui', '--config', configWith(session)], { env: { EVCHARGE_BROKERS: broker }, timeoutMs: 60000, input: '' });
      assert.equal(r.code, 2, `${role[0]}: exit code; stderr: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`kafka\\.session_timeout_ms \\(${session} ms\\) is outside the consumer session timeouts the brokers allow: 6000-1800000 ms`));
      assert.match(r.stderr, /Set kafka\.session_timeout_ms to at least 6000/);
      assert.doesNotMatch(r.stderr, /\n\s+at |KafkaJS/, 'no stack trace, no raw kafkajs error');
    }
  });
}

test('central on that broker: its takeover_timeout_ms (2000) is the session refused, and it is the key named', async () => {
  const r = await runCli(['central', '--no-tui', '--config', configWith(6000)], { env: { EVCHARGE_BROKERS: broker }, timeoutMs: 60000, input: '' });
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, /central\.takeover_timeout_ms \(2000 ms\) is outside the consumer session timeouts the brokers allow: 6000-1800000 ms/);
  assert.match(r.stderr, /Set central\.takeover_timeout_ms to at least 6000/);
  assert.doesNotMatch(r.stderr, /\n\s+at |KafkaJS/);
});

test('a replication factor larger than the cluster: exit 2 naming the setting and the broker count, not "Topic creation errors"', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'evcharge-rf-')), 'kafka_config.yaml');
  writeFileSync(file, isolatedConfigYaml(uniqueTag(), { replicationFactor: 3, brokers: [broker] }));
  const r = await runCli(['driver', '--id', 'DRF', '--no-tui', '--config', file], { env: { EVCHARGE_BROKERS: broker }, timeoutMs: 60000, input: '' });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /replication factor 3 needs that many brokers, and the cluster has 1\. Lower topic_defaults\.replication_factor/);
  assert.doesNotMatch(r.stderr, /unexpected error|Topic creation errors/);
});
