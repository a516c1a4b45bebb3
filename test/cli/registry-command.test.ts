import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { parseCredential } from '../../src/protocol/credential-file.js';
import { parseRegistry } from '../../src/roles/central/registry.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-registry-cli-'));
const file = path.join(dir, 'kafka_config.yaml');
writeFileSync(
  file,
  'kafka:\n  bootstrap_servers: ["127.0.0.1:1"]\ntopic_defaults: { partitions: 1, replication_factor: 1, min_insync_replicas: 1 }\nsecurity:\n  records: sign\n  registry_file: central/registry.json\n  credential_file: creds/{kind}-{id}.json\n',
);
const env = { EVCHARGE_BROKERS: undefined };
const registryFile = path.join(dir, 'central/registry.json');

test('registry add writes a 0600 credential the CP can read and keeps the same secret in a 0600 registry; nothing secret is printed', async () => {
  const r = await runCli(['registry', 'add', 'cp', 'CP001', '--config', file], { env });
  assert.equal(r.code, 0, r.stderr);
  const credFile = path.join(dir, 'creds/cp-CP001.json');
  assert.match(r.stdout, new RegExp(`^added cp CP001: credential ${credFile.replaceAll('/', '\\/')} `));
  assert.equal(statSync(credFile).mode & 0o777, 0o600);
  assert.equal(statSync(registryFile).mode & 0o777, 0o600);
  const cred = parseCredential(readFileSync(credFile, 'utf8'), credFile, { kind: 'cp', id: 'CP001' });
  assert.ok(!('error' in cred), JSON.stringify(cred));
  assert.equal(cred.secret.length, 32, '256 bits');
  const reg = parseRegistry(readFileSync(registryFile, 'utf8'), registryFile);
  assert.equal(reg.identities[0]!.secret, cred.secret.toString('base64url'));
  assert.ok(!r.stdout.includes(reg.identities[0]!.secret), 'the secret is never printed');
  const wrong = parseCredential(readFileSync(credFile, 'utf8'), credFile, { kind: 'cp', id: 'CP002' });
  assert.match((wrong as { error: string }).error, /is the credential of cp CP001, not of cp CP002/);

  const again = await runCli(['registry', 'add', 'cp', 'CP001', '--config', file, '--out', path.join(dir, 'other.json')], { env });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^evcharge registry: cp CP001 already has a credential .*revoke it first: evcharge registry revoke cp CP001/m);
});

test('registry list shows who is in and who is revoked, without secrets; revoke keeps an identity out until --replace', async () => {
  assert.equal((await runCli(['registry', 'add', 'driver', 'D1', '--config', file], { env })).code, 0);
  assert.equal((await runCli(['registry', 'revoke', 'driver', 'D1', '--config', file], { env })).code, 0);
  const list = await runCli(['registry', 'list', '--config', file, '--json'], { env });
  assert.equal(list.code, 0, list.stderr);
  const out = JSON.parse(list.stdout) as { identities: { kind: string; id: string; revoked: string | null; secret?: string }[] };
  const d1 = out.identities.find((i) => i.id === 'D1')!;
  assert.equal(d1.kind, 'driver');
  assert.ok(d1.revoked !== null);
  assert.ok(out.identities.every((i) => i.secret === undefined));
  const text = await runCli(['registry', 'list', '--config', file], { env });
  assert.match(text.stdout, /^  driver +D1 +REVOKED +issued .*, revoked /m);
  assert.match(text.stdout, / · records sign$/m);

  const blocked = await runCli(['registry', 'add', 'driver', 'D1', '--config', file, '--out', path.join(dir, 'd1b.json')], { env });
  assert.equal(blocked.code, 2);
  assert.match(blocked.stderr, /driver D1 was revoked on .* and stays out/);
  const replaced = await runCli(['registry', 'add', 'driver', 'D1', '--config', file, '--replace'], { env });
  assert.equal(replaced.code, 0, replaced.stderr);
  const after = parseRegistry(readFileSync(registryFile, 'utf8'), registryFile);
  assert.equal(after.identities.filter((i) => i.id === 'D1').length, 1);
  assert.equal(after.identities.find((i) => i.id === 'D1')!.revoked, null);
});

test('registry: a bad kind, a bad id, an unknown identity and a broken registry file each exit 2 with what to do', async () => {
  const kind = await runCli(['registry', 'add', 'car', 'X', '--config', file], { env });
  assert.equal(kind.code, 2);
  assert.match(kind.stderr, /cp, driver|cp or driver/);
  const id = await runCli(['registry', 'add', 'cp', 'no spaces', '--config', file], { env });
  assert.equal(id.code, 2);
  const unknown = await runCli(['registry', 'revoke', 'cp', 'CP999', '--config', file], { env });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /cp CP999 is not in the registry/);
  const broken = path.join(dir, 'broken.yaml');
  writeFileSync(broken, readFileSync(file, 'utf8').replace('central/registry.json', 'broken.json'));
  writeFileSync(path.join(dir, 'broken.json'), `{"evcharge_registry":1,"central_secret":"${'A'.repeat(43)}","identities":[{"kind":"cp"}]}`);
  const bad = await runCli(['registry', 'list', '--config', broken], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^evcharge registry: registry .*broken\.json: identities\[0\] is not a valid entry/m);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});
