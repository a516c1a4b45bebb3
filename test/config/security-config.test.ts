import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig } from '../../src/config/load-config.js';
import { principalOf, readPassword } from '../../src/config/security.js';
import { clientSecurity } from '../../src/kafka/kafka-security.js';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-security-config-'));
const ca = path.join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
writeFileSync(path.join(dir, 'cp-CP001.password'), 's3cret\n');
const configText = (security: string) =>
  `kafka:\n  bootstrap_servers: ["127.0.0.1:1"]\n${security.replace(/^/gm, '  ').replace(/^  $/gm, '')}\ntopic_defaults: { partitions: 1, replication_factor: 1, min_insync_replicas: 1 }\n`;
const parse = (security: string) => parseConfig(configText(security), path.join(dir, 'kafka_config.yaml'));
const rejects = (security: string, pattern: RegExp) =>
  assert.throws(
    () => parse(security),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    },
  );

test('no security section: PLAINTEXT as before, no TLS or SASL options for any client', () => {
  const c = parseConfig(configText(''), 'x.yaml');
  assert.equal(c.security, null);
  assert.deepEqual(clientSecurity(c, { role: 'central' }), { username: null });
  assert.deepEqual(c.principals, { central: 'central', cp: 'cp-{cp_id}', driver: 'driver-{driver_id}', ocpp: 'ocpp-gateway', admin: 'admin' });
});

test('SASL_SSL: the CA is read, paths are the config folder\'s, each role is its own user with its own password file', () => {
  const c = parse('security:\n  protocol: SASL_SSL\n  mechanism: SCRAM-SHA-512\n  ca_file: ca.pem\n  password_file: "{username}.password"');
  assert.equal(c.security?.caFile, ca);
  const cp = clientSecurity(c, { role: 'cp', id: 'CP001' });
  assert.deepEqual(cp.sasl, { mechanism: 'scram-sha-512', username: 'cp-CP001', password: 's3cret' });
  assert.deepEqual(cp.ssl, { ca: [c.security!.ca!] });
  assert.equal(principalOf(c.principals, 'central', 'lease'), 'central', "central's extra clients are central too");
  assert.equal(principalOf(c.principals, 'driver', 'D7'), 'driver-D7');
  assert.equal(principalOf(c.principals, 'doctor'), 'admin');
  assert.throws(() => clientSecurity(c, { role: 'driver', id: 'D9' }), /kafka\.security\.password_file: cannot read the password of user driver-D9 from .*driver-D9\.password \(file not found\); create the user and its file \(local cluster: node scripts\/kafka\.mjs user add driver-D9\)/);
});

test('the password from an environment variable, and the principals from templates', () => {
  const c = parse('security:\n  protocol: SASL_PLAINTEXT\n  mechanism: SCRAM-SHA-256\n  password_env: EVCHARGE_TEST_PW\n  principals: { cp: "station.{cp_id}" }');
  assert.equal(readPassword(c.security!, 'station.CP1', { EVCHARGE_TEST_PW: 'pw' }), 'pw');
  assert.equal(principalOf(c.principals, 'cp', 'CP1'), 'station.CP1');
  assert.throws(() => readPassword(c.security!, 'x', {}), /kafka\.security\.password_env: the environment variable EVCHARGE_TEST_PW is not set/);
  assert.equal(c.security?.tls, false);
});

test('incomplete or unknown security settings name the key and the fix', () => {
  rejects('security:\n  mechanism: SCRAM-SHA-512', /kafka\.security\.protocol: required, one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/);
  rejects('security:\n  protocol: SASL_SSL\n  password_env: X', /kafka\.security\.mechanism: required with protocol SASL_SSL/);
  rejects('security:\n  protocol: SASL_SSL\n  mechanism: SCRAM-SHA-512', /kafka\.security: protocol SASL_SSL needs the user's password: set password_file .* or password_env/);
  rejects('security:\n  protocol: SASL_SSL\n  mechanism: SCRAM-SHA-512\n  password: hunter2', /:\d+: kafka\.security\.password: a password is never written in the config/);
  rejects('security:\n  protocol: SASL_SSL\n  mechanism: SCRAM-SHA-512\n  password_file: a\n  password_env: B', /kafka\.security\.password_env: give password_file or password_env, not both/);
  rejects('security:\n  protocol: SSL\n  password_env: X', /kafka\.security\.password_env: only with SASL_SSL or SASL_PLAINTEXT \(protocol is SSL\)/);
  rejects('security:\n  protocol: SASL_PLAINTEXT\n  mechanism: PLAIN\n  password_env: X\n  ca_file: ca.pem', /kafka\.security\.ca_file: only with SSL or SASL_SSL/);
  rejects('security:\n  protocol: TLS', /kafka\.security\.protocol: required, one of/);
  rejects('security:\n  protocol: SASL_SSL\n  mechanism: GSSAPI\n  password_env: X', /kafka\.security\.mechanism: one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN/);
  rejects('security:\n  protocol: SSL\n  cafile: ca.pem', /kafka\.security: unknown key "cafile"/);
  rejects('security:\n  protocol: SSL\n  ca_file: nope.pem', /kafka\.security\.ca_file: cannot read .*nope\.pem \(file not found\)/);
  rejects('security:\n  protocol: SSL\n  ca_file: cp-CP001.password', /kafka\.security\.ca_file: .* holds no PEM certificate/);
  rejects('security:\n  protocol: SSL\n  principals: { driver: "driver" }', /kafka\.security\.principals\.driver: must contain \{driver_id\}/);
});

test('a role given an incomplete security section exits 2 with one line naming the key, before touching Kafka', async () => {
  const file = path.join(dir, 'incomplete.yaml');
  writeFileSync(file, configText('security:\n  protocol: SASL_SSL\n  mechanism: SCRAM-SHA-512\n  password: hunter2\n  password_env: X'));
  const r = await runCli(['driver', '--id', 'D1', '--no-tui', '--config', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^evcharge driver: config .*incomplete\.yaml:\d+: kafka\.security\.password: a password is never written in the config/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /hunter2/, 'the password is not repeated');
});

test('TLS against a port that speaks no TLS (a PLAINTEXT Kafka listener hangs up on the hello): exit 2 saying so', async () => {
  const server = net.createServer((socket) => socket.once('data', () => socket.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const file = path.join(dir, 'tls-to-plain.yaml');
    const port = (server.address() as net.AddressInfo).port;
    writeFileSync(file, `kafka:\n  bootstrap_servers: ["127.0.0.1:${port}"]\n  security:\n    protocol: SSL\ntopic_defaults: { partitions: 1, replication_factor: 1, min_insync_replicas: 1 }\n`);
    // The config's broker, not the ones npm test points every role at.
    const r = await runCli(['driver', '--id', 'D1', '--no-tui', '--config', file], { timeoutMs: 20000, env: { EVCHARGE_BROKERS: undefined } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`TLS: the brokers at 127\\.0\\.0\\.1:${port} do not answer in TLS \\(kafka\\.security\\.protocol is SSL\\)`));
  } finally {
    server.close();
  }
});

test("records security (the top-level security section): off by default with the default files; sign/encrypt with paths of the config's folder; bad values named", () => {
  const base = `kafka:\n  bootstrap_servers: ["127.0.0.1:1"]\ntopic_defaults: { partitions: 1, replication_factor: 1, min_insync_replicas: 1 }\n`;
  const off = parseConfig(base, path.join(dir, 'a.yaml'));
  assert.equal(off.records.protection, 'off');
  assert.equal(off.records.registryFile, path.join(dir, 'evcharge-registry.json'));
  const on = parseConfig(`${base}security:\n  records: encrypt\n  registry_file: reg/r.json\n  credential_file: "c/{kind}-{id}.json"\n  freshness_ms: 30000\n`, path.join(dir, 'a.yaml'));
  assert.deepEqual(on.records, { protection: 'encrypt', registryFile: path.join(dir, 'reg/r.json'), credentialFile: path.join(dir, 'c/{kind}-{id}.json'), freshnessMs: 30000 });
  const bad = (section: string, pattern: RegExp) =>
    assert.throws(() => parseConfig(`${base}security:\n${section}\n`, 'a.yaml'), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
  bad('  records: maybe', /security\.records.*one of off, sign, encrypt/);
  bad('  credential_file: creds.json', /security\.credential_file.*must contain \{id\}/);
  bad('  freshness_ms: 10', /security\.freshness_ms/);
  bad('  record: sign', /security.*record/);
});
