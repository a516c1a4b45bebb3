import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { SecureCluster } from '../helpers/secure-cluster.js';

// How a role meets a secure cluster it cannot use: each refusal exits 2 at once with one line that
// says which setting is wrong. One node of the test's own, on ports 29392 and 39392.
const cluster = new SecureCluster(29392, 1);
before(() => cluster.up(['central', 'cp-CPW', 'driver-DW']));
after(() => cluster.down());

/** The generated config, changed by `edit`, in the cluster's secure folder (so {username} files resolve). */
const config = (name: string, edit: (text: string) => string = (t) => t) => {
  const file = path.join(cluster.home, 'secure', name);
  writeFileSync(file, edit(readFileSync(cluster.configPath, 'utf8')).replace(/startup_timeout_ms: \d+/, 'startup_timeout_ms: 20000'));
  return file;
};
const role = (args: string[], file: string) => runCli([...args, '--no-tui', '--config', file], { env: { EVCHARGE_BROKERS: undefined }, timeoutMs: 30000 });
const oneLine = (stderr: string) => assert.equal(stderr.trim().split('\n').length, 1, `one line:\n${stderr}`);
const noTrace = (stderr: string) => assert.doesNotMatch(stderr, /\n\s+at |KafkaJS|unexpected error/);

test('a wrong password exits 2 at once, naming the user, the listener and where the password came from', async () => {
  const file = config('wrong-password.yaml', (t) => t.replace(/password_file: ".*"/, `password_file: "${path.join(cluster.home, 'secure', 'wrong-{username}')}"`));
  writeFileSync(path.join(cluster.home, 'secure', 'wrong-cp-CPW'), 'not-the-password\n');
  const started = Date.now();
  const r = await role(['cp', '--id', 'CPW'], file);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(Date.now() - started < 15000, 'no waiting out the start-up timeout');
  assert.match(r.stderr, /the brokers refused user cp-CPW \(SCRAM-SHA-512 on the SASL_SSL listener at 127\.0\.0\.1:29392\): wrong password, or no such user/);
  assert.match(r.stderr, /The password came from kafka\.security\.password_file \(.*wrong-cp-CPW\)/);
  oneLine(r.stderr);
  noTrace(r.stderr);
  assert.doesNotMatch(r.stderr, /not-the-password/, 'the password is never printed');
});

test('doctor with a wrong admin password exits 2 the same way, naming the user', async () => {
  const file = config('doctor-wrong-password.yaml', (t) => t.replace(/password_file: ".*"/, `password_file: "${path.join(cluster.home, 'secure', 'wrong-{username}')}"`));
  writeFileSync(path.join(cluster.home, 'secure', 'wrong-admin'), 'not-the-password\n');
  const r = await runCli(['doctor', '--config', file], { env: { EVCHARGE_BROKERS: undefined }, timeoutMs: 30000 });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /^evcharge doctor: the brokers refused user admin \(SCRAM-SHA-512 on the SASL_SSL listener at 127\.0\.0\.1:29392\)/);
  oneLine(r.stderr);
});

test('a CA that did not sign the brokers\' certificate exits 2 naming the CA file', async () => {
  const other = path.join(cluster.home, 'other-ca.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${other}.key`, '-out', other, '-days', '1', '-subj', '/CN=some-other-ca'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const file = config('wrong-ca.yaml', (t) => t.replace(/ca_file: ".*"/, `ca_file: "${other}"`));
  const r = await role(['driver', '--id', 'DW', '--cp', 'CPW'], file);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /TLS: the brokers' certificate at 127\.0\.0\.1:29392 is not trusted by kafka\.security\.ca_file \(.*other-ca\.pem\)/);
  assert.match(r.stderr, /Point kafka\.security\.ca_file in .*wrong-ca\.yaml at the CA that signed the brokers' certificates/);
  oneLine(r.stderr);
  noTrace(r.stderr);
});

test('a user with no password file exits 2 naming the key, the file and how to make the user', async () => {
  const r = await role(['driver', '--id', 'DNOBODY'], config('kafka_config.copy.yaml'));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /kafka\.security\.password_file: cannot read the password of user driver-DNOBODY from .*driver-DNOBODY\.password \(file not found\); create the user and its file \(local cluster: node scripts\/kafka\.mjs user add driver-DNOBODY\)/);
  oneLine(r.stderr);
});

test('a config without kafka.security against the TLS port says a TLS listener may be why nothing answers', async () => {
  const file = path.join(cluster.home, 'plain.yaml');
  writeFileSync(file, `kafka:\n  bootstrap_servers: ["${cluster.brokers[0]}"]\n  startup_timeout_ms: 3000\ntopic_defaults: { partitions: 1, replication_factor: 1, min_insync_replicas: 1 }\n`);
  const r = await role(['driver', '--id', 'DW'], file);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /as a TLS listener \(SSL, SASL_SSL\) does to a client without TLS: if the cluster is secure, set kafka\.security in .*plain\.yaml/);
});

test('the right user and CA but no ACLs yet: exit 2 saying the topics are hidden or missing and the evcharge acl line that makes them', async () => {
  const file = config('kafka_config.copy.yaml');
  const r = await role(['cp', '--id', 'CPW'], file);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /user cp-CPW may not see them \(no Describe ACL\), and it may not create topics/);
  assert.ok(r.stderr.includes(`evcharge acl --config ${file} --cp CPW --apply`), r.stderr);
  oneLine(r.stderr);
  noTrace(r.stderr);
});

test('as the admin, over SASL_SSL with the generated CA, a role connects and makes the topics', async () => {
  const file = config('as-admin.yaml', (t) => t.replace(/(\n\s+)password_file:/, '$1username: admin$1password_file:'));
  // An interactive driver that quits at once: only the connection is at stake here.
  const r = await runCli(['driver', '--id', 'DW', '--no-tui', '--config', file], { env: { EVCHARGE_BROKERS: undefined }, timeoutMs: 30000, input: 'quit\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /connected to Kafka at 127\.0\.0\.1:29392; created 13 topics/);
});
