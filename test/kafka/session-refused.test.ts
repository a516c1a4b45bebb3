import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isolatedConfigYaml, uniqueTag } from '../helpers/kafka-env.js';
import { runCli } from '../helpers/run-cli.js';

test('a consumer session the brokers refuse exits 2, naming kafka.session_timeout_ms and the broker setting', async () => {
  // Above group.max.session.timeout.ms (30 min by default): the brokers refuse the join.
  const yaml = isolatedConfigYaml(uniqueTag()).replace(/^kafka:\n/, 'kafka:\n  session_timeout_ms: 2000000\n');
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'evcharge-session-')), 'kafka_config.yaml');
  writeFileSync(file, yaml);
  const r = await runCli(['driver', '--id', 'DSESSION', '--no-tui', '--config', file], { timeoutMs: 60000, input: '' });
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, /kafka\.session_timeout_ms \(2000000 ms\) is outside the consumer session timeouts the brokers allow/);
  assert.match(r.stderr, /group\.min\.session\.timeout\.ms/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
