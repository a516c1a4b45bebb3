import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { Kafka, logLevel } from '../../src/kafka/kafkajs.js';
import { SecureCluster } from '../helpers/secure-cluster.js';

// `kafka.mjs up --secure` on one node of the test's own (ports 29192 and 39192): what it makes,
// and that the brokers hold clients to it.
const cluster = new SecureCluster(29192, 1);
before(() => cluster.up(['central', 'driver-DS1']));
after(() => cluster.down());

const client = (user: string | null, password = user ? cluster.password(user) : '', ca: string | null = readFileSync(cluster.caFile, 'utf8')) =>
  new Kafka({
    clientId: 'secure-script-test',
    brokers: cluster.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 0 },
    ...(ca !== null && { ssl: { ca: [ca] } }),
    ...(user !== null && { sasl: { mechanism: 'scram-sha-512' as const, username: user, password } }),
  }).admin();

async function attempt<T>(admin: ReturnType<typeof client>, fn: () => Promise<T>): Promise<T | Error> {
  try {
    await admin.connect();
    return await fn();
  } catch (e) {
    return e as Error;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

test('up --secure prints where the CA, the configs and the passwords are, and shows no password', () => {
  for (const what of ['CA: ', 'evcharge config: ', 'admin client config', "users' passwords: "]) assert.ok(cluster.upOutput.includes(what), `${what}\n${cluster.upOutput}`);
  assert.match(cluster.upOutput, /\(admin, broker, central, driver-DS1\)/);
  for (const user of ['admin', 'broker', 'central', 'driver-DS1']) {
    assert.equal(statSync(cluster.passwordFile(user)).mode & 0o777, 0o600, `${user}'s password file is the owner's alone`);
    assert.ok(!cluster.upOutput.includes(cluster.password(user)), `${user}'s password is not printed`);
  }
  assert.equal(statSync(`${cluster.home}/secure/ca.key`).mode & 0o777, 0o600);
  assert.match(readFileSync(cluster.configPath, 'utf8'), /security:\n\s+protocol: SASL_SSL\n\s+mechanism: SCRAM-SHA-512\n\s+ca_file: ".*ca\.pem"\n\s+password_file: ".*\{username\}\.password"/);
});

test('the admin, over SASL_SSL with the generated CA and password, may do anything', async () => {
  const admin = client('admin');
  const result = await attempt(admin, async () => {
    await admin.createTopics({ topics: [{ topic: 'admins-topic' }], waitForLeaders: true });
    return admin.listTopics();
  });
  assert.ok(Array.isArray(result) && result.includes('admins-topic'), String(result));
});

test('a role user authenticates but may do nothing without an ACL: it sees no topic and cannot create one', async () => {
  const admin = client('driver-DS1');
  const topics = await attempt(admin, () => admin.listTopics());
  assert.deepEqual(topics, [], 'topics it has no ACL for are hidden from it');
  const create = await attempt(admin, () => admin.createTopics({ topics: [{ topic: 'drivers-topic' }] }));
  assert.ok(create instanceof Error, 'creating a topic is refused');
  const errors = (create as Error & { errors?: { type?: string }[] }).errors ?? [];
  assert.ok(errors.some((e) => /AUTHORIZATION_FAILED/.test(e.type ?? '')), JSON.stringify(errors));
});

test('the port speaks only TLS with SASL: no answer without TLS, none without a user, none with a wrong password', async () => {
  const plain = client(null, '', null);
  assert.ok((await attempt(plain, () => plain.listTopics())) instanceof Error, 'a PLAINTEXT client gets nothing');
  const anonymous = client(null);
  assert.ok((await attempt(anonymous, () => anonymous.listTopics())) instanceof Error, 'TLS without SASL gets nothing');
  const wrong = client('central', 'not-the-password');
  const refused = await attempt(wrong, () => wrong.listTopics());
  assert.ok(refused instanceof Error && refused.name === 'KafkaJSSASLAuthenticationError', String(refused));
});

test('user add makes a SCRAM user on the running cluster with kafka-configs and says where its password is', async () => {
  const r = cluster.script('user', 'add', 'cp-CPS9');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^user cp-CPS9: password in ${cluster.passwordFile('cp-CPS9').replaceAll('.', '\\.')}$`, 'm'));
  assert.equal(statSync(cluster.passwordFile('cp-CPS9')).mode & 0o777, 0o600);
  const admin = client('cp-CPS9');
  assert.deepEqual(await attempt(admin, () => admin.listTopics()), [], 'it logs in (and may do nothing yet)');
  const bad = cluster.script('user', 'add', 'no spaces');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /"no spaces" is not a user name/);
});

test("Kafka's own tools run as the admin on the secure cluster", () => {
  const r = cluster.script('tool', 'topics', '--list');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^admins-topic$/m);
});
