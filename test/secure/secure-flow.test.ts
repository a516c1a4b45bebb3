import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from '../../src/kafka/kafkajs.js';
import { RoleProcess } from '../helpers/role-process.js';
import { runCli } from '../helpers/run-cli.js';
import { SecureCluster } from '../helpers/secure-cluster.js';
import { meterValues, stationClient } from '../helpers/ocpp-client.js';

// The charging flow on a secure three-node cluster of the test's own (SASL_SSL, SCRAM-SHA-512,
// ACLs on, nothing allowed without one; ports 29092-29094, controllers 39092-39094): every role a
// process of the real binary with its own principal and only the ACLs `evcharge acl` grants it.
const cluster = new SecureCluster(29092, 3);
const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-secure-flow-'));
const env = () => ({ EVCHARGE_BROKERS: cluster.brokers.join(','), EVCHARGE_LOG_DIR: path.join(dir, 'logs') });
const roles: RoleProcess[] = [];
const start = (name: string, args: string[], config = cluster.configPath) => {
  const role = new RoleProcess(name, [...args, '--config', config], env());
  roles.push(role);
  return role;
};
let applied = '';

before(async () => {
  cluster.up(['central', 'cp-CPS1', 'driver-DS1', 'ocpp-gateway']);
  // A user made on the running cluster with Kafka's own tool, as for a CP added later.
  const added = cluster.script('user', 'add', 'cp-CPS2');
  assert.equal(added.status, 0, added.stderr);
  const r = await runCli(['acl', '--config', cluster.configPath, '--cp', 'CPS1,CPS2', '--driver', 'DS1', '--ocpp', '--apply'], { env: env(), timeoutMs: 60000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  applied = r.stdout;
});
after(async () => {
  await Promise.all(roles.map((r) => r.stop()));
  for (const r of roles) writeFileSync(path.join(dir, `${r.name}.jsonl`), r.events.map((e) => JSON.stringify(e)).join('\n') + `\n${r.stderr}`);
  cluster.down();
});

test('evcharge acl --apply, as the admin, makes the topics and the ACLs; again, it finds them there', async (t) => {
  t.diagnostic(`secure 3-node cluster up in ${(cluster.upMs / 1000).toFixed(1)} s`);
  assert.match(applied, /applied: created 13 topics \(.*\); created \d+ ACLs, 0 were there already/);
  const again = await runCli(['acl', '--config', cluster.configPath, '--cp', 'CPS1', '--driver', 'DS1', '--apply'], { env: env(), timeoutMs: 60000 });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /applied: created 0 ACLs, \d+ were there already/);
});

test('register, authorize, supply, ticket: central, a CP and a driver, each its own principal with only its ACLs', async () => {
  const central = start('central', ['central']);
  await central.waitForKind('kafka-connected', {}, 30000);
  const cp = start('CPS1', ['cp', '--id', 'CPS1', '--speed', '40', '--price', '0.40', '--max-kw', '50']);
  await central.waitForKind('cp-registered', { cpId: 'CPS1' }, 30000);
  await cp.waitForKind('registered', {}, 30000);
  const driver = start('DS1', ['driver', '--id', 'DS1', '--cp', 'CPS1', '--kwh', '0.3']);
  const { code } = await driver.exited;
  assert.equal(code, 0, driver.outcome());
  assert.equal(driver.count('granted'), 1);
  assert.ok(driver.count('progress') >= 1, 'progress reached the driver');
  const ticket = driver.events.find((e) => e.kind === 'ticket') as unknown as { kwh: number; totalEur: number; reason: string; cpId: string };
  assert.equal(ticket.cpId, 'CPS1');
  assert.equal(ticket.reason, 'driver-stop');
  assert.ok(ticket.kwh >= 0.3);
  assert.equal(Math.round(ticket.totalEur * 100), Math.round(ticket.kwh * 0.4 * 100));
  await central.waitForKind('supply-ended', { cpId: 'CPS1' });
  assert.equal(central.count('publish-error'), 0, central.outcome());
});

test('both layers at once: records encrypted by evcharge on top of SASL_SSL and ACLs; the same flow, every record on the brokers sealed', async () => {
  // The first flow's roles go: a network protects its records or does not, all its roles alike.
  await Promise.all(roles.splice(0).map((r) => r.stop()));
  const records = path.join(path.dirname(cluster.configPath), 'records.yaml');
  writeFileSync(records, `${readFileSync(cluster.configPath, 'utf8')}\nsecurity:\n  records: encrypt\n`);
  for (const [kind, id] of [['cp', 'CPS1'], ['driver', 'DS1']]) {
    const r = await runCli(['registry', 'add', kind!, id!, '--config', records, '--replace'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
  }
  const central = start('central-records', ['central'], records);
  await central.waitForKind('kafka-connected', {}, 30000);
  const cp = start('CPS1-records', ['cp', '--id', 'CPS1', '--speed', '40', '--price', '0.40', '--max-kw', '50'], records);
  await central.waitForKind('cp-registered', { cpId: 'CPS1' }, 30000);
  await cp.waitForKind('registered', {}, 30000);
  const driver = start('DS1-records', ['driver', '--id', 'DS1', '--cp', 'CPS1', '--kwh', '0.3'], records);
  const { code } = await driver.exited;
  assert.equal(code, 0, driver.outcome());
  const ticket = driver.events.find((e) => e.kind === 'ticket')!;
  assert.equal(ticket['reason'], 'driver-stop');
  assert.ok(Number(ticket['kwh']) >= 0.3);
  // What the plain network before it left on cp-state and health is refused, not adopted; nothing of this one is.
  const refused = central.events.filter((e) => e.kind === 'malformed');
  assert.deepEqual(refused.filter((e) => !(/^unsealed:/.test(String(e['reason'])) && ['cp-state', 'health'].includes(String(e['topic'])))), [], central.outcome());

  // What a reader with the admin's broker credentials sees on the CP's topics: sealed, encrypted.
  const consumer = client('admin').consumer({ groupId: `secure-flow-spy-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: ['telemetry', 'auth-request'], fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const v = message.value?.toString() ?? '';
        if (v.includes('"kid":"cp:CPS1:') || v.includes('"kid":"driver:DS1"')) seen.push(v);
        if (seen.some((x) => x.includes('"kid":"cp:CPS1:')) && seen.some((x) => x.includes('"kid":"driver:DS1"'))) resolve();
      },
    });
  });
  await consumer.disconnect();
  for (const v of seen) {
    assert.match(v, /^\{"sealed":1,"alg":"gcm"/);
    assert.doesNotMatch(v, /kwh|sessionId|requestId/, 'nothing of the payload in the clear');
  }
});

const client = (user: string) =>
  new Kafka({
    clientId: `secure-flow-${user}`,
    brokers: cluster.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    ssl: { ca: [readFileSync(cluster.caFile, 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: user, password: cluster.password(user) },
  });

/** What the brokers answer when `user` writes one record to `topic` with its own password. */
async function write(user: string, topic: string): Promise<string> {
  const producer = client(user).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'X', value: '{}' }] });
    return 'written';
  } catch (e) {
    return (e as { type?: string }).type ?? (e as Error).message;
  } finally {
    await producer.disconnect();
  }
}

test('an OCPP station through the gateway, which connects as its own principal with only the ACLs `evcharge acl --ocpp` grants: boot, charge, one ticket', async () => {
  // After the sealed flow, on a plain network again: its central (the roles before it are gone).
  await Promise.all(roles.splice(0).map((r) => r.stop()));
  const central = start('central-ocpp', ['central']);
  await central.waitForKind('kafka-connected', {}, 30000);
  const gw = start('ocpp', ['ocpp', '--listen', '127.0.0.1:0']);
  const listening = await gw.waitForKind('listening', {}, 30000);
  const st = stationClient(`ws://127.0.0.1:${Number(listening['port'])}/ocpp`, 'OCPPS1');
  try {
    await st.connect();
    assert.equal(((await st.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'secure' })) as { status: string }).status, 'Accepted', gw.outcome());
    await central.waitForKind('cp-registered', { cpId: 'OCPPS1' }, 30000);
    const start_ = (await st.call('StartTransaction', { connectorId: 1, idTag: 'DS1', meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number; idTagInfo: { status: string } };
    assert.equal(start_.idTagInfo.status, 'Accepted', gw.outcome());
    await st.call('MeterValues', meterValues(start_.transactionId, 400, 7000));
    await st.call('StopTransaction', { transactionId: start_.transactionId, meterStop: 750, timestamp: new Date().toISOString() });
    const ended = await central.waitForKind('supply-ended', { cpId: 'OCPPS1' }, 30000);
    assert.equal(ended['kwh'], 0.75);
    assert.equal(gw.count('publish-error') + gw.count('call-failed'), 0, gw.outcome());
  } finally {
    await st.close({ force: true }).catch(() => {});
  }
});

test("a driver's credentials cannot write cp-commands, telemetry, health or cp-register; a CP's cannot answer drivers or command CPs", async () => {
  for (const topic of ['cp-commands', 'telemetry', 'health', 'cp-register']) assert.equal(await write('driver-DS1', topic), 'TOPIC_AUTHORIZATION_FAILED', `driver → ${topic}`);
  for (const topic of ['auth-response', 'cp-commands', 'cp-state', 'driver-updates']) assert.equal(await write('cp-CPS2', topic), 'TOPIC_AUTHORIZATION_FAILED', `cp → ${topic}`);
});

test("a driver whose config sends its requests to another role's topic is refused by the brokers: exit 2 naming the topic, the key and the fix, and an audit entry of it", async () => {
  await Promise.all(
    ['cp-commands', 'telemetry', 'cp-register'].map(async (topic) => {
      const file = path.join(dir, `driver-to-${topic}.yaml`);
      writeFileSync(file, readFileSync(cluster.configPath, 'utf8').replace(/^  auth-request: \{\}/m, `  auth-request: { name: ${topic} }`));
      const r = await runCli(['driver', '--id', 'DS1', '--cp', 'CPS1', '--no-tui', '--config', file], { env: env(), timeoutMs: 30000 });
      assert.equal(r.code, 2, `${topic}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`the brokers refused user driver-DS1 Write on topic ${topic} \\(topics\\.auth-request in .*driver-to-${topic}\\.yaml\\): no ACL allows it`));
      assert.ok(r.stderr.includes(`evcharge acl --config ${file} --driver DS1 --apply`), r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at |unexpected error|KafkaJS/);
    }),
  );
  // Each refusal went on the audit trail before the exit: who (the driver's principal), the
  // operation and the topic, read back by the admin with evcharge audit.
  const audit = await runCli(['audit', '--json', '--config', cluster.configPath], { env: env(), timeoutMs: 60000 });
  assert.equal(audit.code, 0, audit.stdout + audit.stderr);
  const refusals = audit.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e['action'] === 'broker-refusal');
  for (const topic of ['cp-commands', 'telemetry', 'cp-register']) {
    const e = refusals.find((x) => x['target'] === `topic ${topic}`);
    assert.ok(e, `no broker-refusal entry for ${topic} in:\n${audit.stdout}${audit.stderr}`);
    assert.equal(e['by'], 'driver:DS1');
    assert.equal(e['principal'], 'driver-DS1');
    assert.equal(e['result'], 'refused');
    assert.equal(e['detail'], `the brokers refused driver-DS1 Write on topic ${topic} (topics.auth-request): no ACL allows it`);
    assert.equal(typeof e['at'], 'number');
  }
});

test('doctor on the secure cluster: every role has what it needs; then it names an ACL a CP lacks and one a driver has but needs not', async () => {
  const healthy = await runCli(['doctor', '--config', cluster.configPath], { env: env(), timeoutMs: 60000 });
  assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
  for (const who of [/central +User:central +all \d+ it needs/, /cp CPS1 +User:cp-CPS1 +all \d+ it needs/, /cp CPS2 +User:cp-CPS2 +all \d+ it needs/, /driver DS1 +User:driver-DS1 +all \d+ it needs/])
    assert.match(healthy.stdout, who);
  const admin = client('admin').admin();
  await admin.connect();
  try {
    const acl = (principal: string, type: number, name: string, operation: number) => ({
      resourceType: type, resourceName: name, resourcePatternType: ResourcePatternTypes.LITERAL, principal, host: '*', operation, permissionType: AclPermissionTypes.ALLOW,
    });
    await admin.createAcls({ acl: [acl('User:driver-DS1', AclResourceTypes.TOPIC, 'cp-commands', AclOperationTypes.WRITE)] });
    await admin.deleteAcls({ filters: [acl('User:cp-CPS2', AclResourceTypes.GROUP, 'cp-CPS2-group', AclOperationTypes.READ)] });
  } finally {
    await admin.disconnect();
  }
  const r = await runCli(['doctor', '--config', cluster.configPath], { env: env(), timeoutMs: 60000 });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /MISSING +cp CPS2 +User:cp-CPS2 +lacks 1 of \d+: Read on group cp-CPS2-group +→ evcharge acl --config .* --cp CPS2 --apply/);
  assert.match(r.stdout, /MORE +User:driver-DS1: Write on topic cp-commands \(no role needs it\)/);
  assert.match(r.stdout, /✖ cp CPS2 \(User:cp-CPS2\) lacks 1 ACL it needs/);
  assert.match(r.stdout, /! User:driver-DS1 has more than its roles need/);
});
