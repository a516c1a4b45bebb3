import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-acl-cli-'));
const file = path.join(dir, 'kafka_config.yaml');
writeFileSync(file, 'kafka:\n  bootstrap_servers: ["127.0.0.1:1"]\ntopic_defaults: { partitions: 1, replication_factor: 1, min_insync_replicas: 1 }\n');
// The config's brokers, not the ones npm test points every role at.
const env = { EVCHARGE_BROKERS: undefined };

test('evcharge acl prints the table and the kafka-acls commands for central and the CPs and drivers named, touching no broker', async () => {
  const r = await runCli(['acl', '--config', file, '--cp', 'CP1,CP2', '--driver', 'D1'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^  User:driver-D1 +topic auth-request +Write, DescribeConfigs +requests and stops$/m);
  assert.match(r.stdout, /^  User:central +transactional-id central-group-lease +Write +/m);
  assert.match(r.stdout, /^  User:cp-CP2 +group cp-CP2-group-registration-\* +Read +/m);
  assert.match(r.stdout, /kafka-acls\.sh --bootstrap-server 127\.0\.0\.1:1 --command-config admin\.properties --add --allow-principal User:driver-D1 --operation DescribeConfigs --operation Write --topic auth-request --topic dead-letter --topic audit$/m);
  assert.match(r.stdout, /--allow-principal User:central --operation Read --resource-pattern-type prefixed --group central-group-state- --group central-group-audit- --group central-group-lease\.nudge-$/m);
  assert.match(r.stdout, /note: kafka\.security is not set in this config/);
  assert.doesNotMatch(r.stdout, /User:driver-D1 .*--operation Write --topic (cp-commands|telemetry|health|cp-register)\b/);
});

test('evcharge acl --json gives the same ACLs as data; a bad id exits 2 naming the flag', async () => {
  const r = await runCli(['acl', '--config', file, '--driver', 'D1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { acls: { principal: string; name: string; operation: string }[]; commands: string[] };
  assert.ok(out.acls.some((a) => a.principal === 'User:driver-D1' && a.name === 'auth-request' && a.operation === 'WRITE'));
  assert.ok(out.commands.length > 0);
  const bad = await runCli(['acl', '--config', file, '--cp', 'no spaces']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^evcharge acl: --cp: /);
});
