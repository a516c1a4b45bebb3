import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from '../../src/kafka/kafkajs.js';
import { encodeMessage } from '../../src/protocol/index.js';
import { identityKey, sessionKey } from '../../src/protocol/credentials.js';
import { parseCredential } from '../../src/protocol/credential-file.js';
import { sealValue } from '../../src/protocol/seal.js';
import { TEST_BROKERS } from '../helpers/kafka-env.js';
import { RoleProcess, TestNetwork, type JsonEvent } from '../helpers/role-process.js';
import { runCli } from '../helpers/run-cli.js';

// Issue 12, part 2, with every role a process of the real binary: records signed, central's
// registry and each role's credential made by `evcharge registry add`; an attacker holding CPT2's
// credential (and the brokers' trust: this cluster has no ACLs) writes records for CPT1.
const net = new TestNetwork({ heartbeatTimeoutMs: 2000, records: 'sign', freshnessMs: 5000 });
let central: RoleProcess;
const kafka = new Kafka({ clientId: 'record-trust-attacker', brokers: TEST_BROKERS.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ allowAutoTopicCreation: false });
after(async () => {
  await producer.disconnect().catch(() => {});
  await net.stopAll();
});

const credential = (kind: 'cp' | 'driver', id: string) => {
  const file = path.join(net.dir, 'credentials', `${kind}-${id}.json`);
  const c = parseCredential(readFileSync(file, 'utf8'), file, { kind, id });
  if ('error' in c) throw new Error(c.error);
  return c;
};
const malformed = (reason: RegExp) => (e: JsonEvent) => e.kind === 'malformed' && reason.test(String(e['reason']));

before(async () => {
  for (const [kind, id] of [['cp', 'CPT1'], ['cp', 'CPT2'], ['driver', 'DT1']]) {
    const r = await runCli(['registry', 'add', kind!, id!, '--config', net.configPath], { env: { EVCHARGE_BROKERS: undefined } });
    assert.equal(r.code, 0, r.stderr);
  }
  await producer.connect();
  central = net.central();
  await central.waitForKind('kafka-connected');
});

test('signed records: register, authorize, supply, ticket; forgeries under CPT2’s keys, an unsealed registration, a replay and a stale copy change nothing', async () => {
  const cp1 = net.cp('CPT1', ['--speed', '20', '--price', '0.40', '--max-kw', '50']);
  net.cp('CPT2', ['--speed', '20']);
  await central.waitForKind('cp-registered', { cpId: 'CPT1' });
  await central.waitForKind('cp-registered', { cpId: 'CPT2' });
  await cp1.waitForKind('registered');
  const driver = net.driver('DT1', ['--cp', 'CPT1', '--seconds', '12']);
  const granted = await driver.waitForKind('granted', {}, 30000);
  const sessionId = String(granted['sessionId']);
  await driver.waitForKind('progress', {}, 30000);

  // The attacker: CPT2's credential, writing for CPT1 under CPT2's identity key and a session key it derived.
  const cred2 = credential('cp', 'CPT2');
  const keys = [identityKey('cp', 'CPT2', cred2.secret), sessionKey('cp:CPT2:attackersown', cred2.secret)];
  const topic = (t: string) => `${net.tag}.${t}`;
  const instanceId = String((await central.waitForKind('cp-registered', { cpId: 'CPT1' }))['instanceId']);
  const forged = keys.flatMap((key, i) =>
    [
      encodeMessage('supply.telemetry', 'cp:CPT1', { cpId: 'CPT1', instanceId, sessionId, seq: 9000 + i, kw: 50, kwh: 500, eur: 200 }, Date.now()),
      encodeMessage('cp.fault', 'cp:CPT1', { cpId: 'CPT1', instanceId, detail: 'forged fault' }, Date.now()),
    ].map((r) => ({ topic: topic(r.topic), messages: [{ key: r.key, value: sealValue(r.topic, r.key, r.value!, key, Date.now() * 1000 + i, Date.now(), 'sign') }] })),
  );
  for (const f of forged) await producer.send({ ...f, acks: -1 });
  await central.waitFor(malformed(/^wrong-key: cp:CPT2 is cp CPT2's key and cannot speak for CPT1/), 'the identity-key forgery refused', 20000);
  await central.waitFor(malformed(/^wrong-key: cp:CPT2:attackersown is cp CPT2's key and cannot speak for CPT1/), 'the session-key forgery refused', 20000);

  // A real CPT1 reading, captured and written again: at once (behind a newer one in its partition)
  // a replay; after the 5 s window, stale.
  const captured = await olderTelemetry(topic('telemetry'), 'CPT1');
  await producer.send({ topic: topic('telemetry'), acks: -1, messages: [{ key: 'CPT1', value: captured }] });
  await central.waitFor(malformed(/^replay: counter \d+ of key cp:CPT1:/), 'the replay refused', 20000);

  const { code } = await driver.exited;
  assert.equal(code, 0, driver.outcome());
  const ticket = driver.events.find((e) => e.kind === 'ticket')!;
  assert.equal(driver.count('ticket'), 1);
  assert.ok(Number(ticket['kwh']) > 0 && Number(ticket['kwh']) < 5, `kWh ${ticket['kwh']} is the meter's, not the forger's 500`);
  assert.equal(ticket['reason'], 'driver-stop');
  const ended = await central.waitForKind('supply-ended', { sessionId });
  assert.equal(ended['kwh'], ticket['kwh'], 'central and the driver agree: the forged readings were not applied');
  assert.equal(central.events.filter((e) => e.kind === 'cp-faulted').length, 0, 'no forged fault');

  await producer.send({ topic: topic('telemetry'), acks: -1, messages: [{ key: 'CPT1', value: captured }] });
  await central.waitFor(malformed(/^stale: sealed \d+ s away from its record's time \(window 5 s\)/), 'the stale copy refused', 20000);

  // A CP that does not seal (its config has no security section) is not registered.
  const plain = net.file('plain.yaml', readFileSync(net.configPath, 'utf8').replace(/^security:\n(  .*\n)+/m, ''));
  const intruder = new RoleProcess('CPT3', ['cp', '--id', 'CPT3', '--config', plain], { EVCHARGE_LOG_DIR: path.join(net.dir, 'logs') });
  net.roles.push(intruder);
  await central.waitFor((e) => e.kind === 'malformed' && e['topic'] === 'cp-register' && /^unsealed:/.test(String(e['reason'])), 'the unsealed registration refused', 20000);
  assert.equal(intruder.count('registered'), 0);
  assert.equal(central.events.filter((e) => e.kind === 'cp-registered' && e['cpId'] === 'CPT3').length, 0);
});

test('reset keys from central’s stdin during a supply: one ticket (keys-reset), the CP authenticates again by itself and serves', async () => {
  const cp2 = net.roles.find((r) => r.name === 'CPT2')!;
  const driver = net.driver('DT1', ['--cp', 'CPT2', '--seconds', '60']);
  await driver.waitForKind('progress', {}, 30000);
  const answer = await central.ask('reset-keys CPT2', (t) => /keys reset/.test(t), 'the reset answer', 20000);
  assert.equal(answer, 'CPT2 keys reset; it re-authenticates by itself');
  const { code } = await driver.exited;
  assert.equal(code, 1, 'a supply cut short by central is not a completed service');
  assert.equal(driver.count('ticket'), 1);
  assert.equal(driver.events.find((e) => e.kind === 'ticket')!['reason'], 'keys-reset');
  await cp2.waitForKind('keys-reset', {}, 20000);
  await cp2.waitFor((e) => e.kind === 'registered' && cp2.count('registered') === 2, 'its second registration', 20000);
  await central.waitForCpState('CPT2', 'AVAILABLE', 20000);
  assert.equal(central.count('cp-registered', { cpId: 'CPT2' }), 2, 'registered again, with its credential');
  const again = net.driver('DT1', ['--cp', 'CPT2', '--kwh', '0.05']);
  const second = await again.exited;
  assert.equal(second.code, 0, again.outcome());
});

test('evcharge audit reads the trail: the refused forgeries, the reset keys, and a revoke made while central runs', async () => {
  const revoke = await runCli(['registry', 'revoke', 'cp', 'CPT2', '--config', net.configPath], { env: { EVCHARGE_BROKERS: undefined } });
  assert.equal(revoke.code, 0, revoke.stderr);
  type Row = { by: string; action: string; target: string; result: string; detail: string };
  let rows: Row[] = [];
  // Central notices the registry change within 2 s and writes it with its next commit.
  for (let attempt = 0; attempt < 15 && !rows.some((r) => r.action === 'registry-revoke'); attempt++) {
    const r = await runCli(['audit', '--json', '--config', net.configPath], { timeoutMs: 30000 });
    assert.equal(r.code, 0, r.stderr);
    rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
  }
  assert.ok(rows.some((r) => r.by === 'central' && r.action === 'auth-failure' && r.target === 'telemetry CPT1' && /^wrong-key: cp:CPT2/.test(r.detail)), JSON.stringify(rows.slice(0, 5)));
  assert.ok(rows.some((r) => r.action === 'auth-failure' && /^replay: /.test(r.detail)));
  assert.ok(rows.some((r) => r.action === 'operator-reset-keys' && r.target === 'CPT2' && r.result === 'ok'));
  assert.ok(rows.some((r) => r.action === 'registry-revoke' && r.target === 'cp CPT2'));
  const text = await runCli(['audit', '--config', net.configPath], { timeoutMs: 30000 });
  assert.match(text.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  central +- +operator-reset-keys +CPT2 +ok +CPT2 keys reset/m);
  assert.match(text.stderr, /^\d+ audit entries\n$/m);
});

test('a CP or driver without its credential, or with one others can read, exits 2 saying what to do', async () => {
  const missing = await runCli(['cp', '--id', 'CPT9', '--no-tui', '--config', net.configPath], { timeoutMs: 20000 });
  assert.equal(missing.code, 2, missing.stdout + missing.stderr);
  assert.match(missing.stderr, /security\.records is sign: cp CPT9 needs its credential at .*credentials\/cp-CPT9\.json \(make it on central's machine with: evcharge registry add cp CPT9/);
  const open = path.join(net.dir, 'credentials', 'driver-DT1.json');
  const { chmodSync } = await import('node:fs');
  chmodSync(open, 0o644);
  const readable = await runCli(['driver', '--id', 'DT1', '--cp', 'CPT1', '--no-tui', '--config', net.configPath], { timeoutMs: 20000 });
  chmodSync(open, 0o600);
  assert.equal(readable.code, 2);
  assert.match(readable.stderr, /can be read by other users \(mode 644\): chmod 600 /);
});

test('registry changes made while no central runs are audited by the next active central, once each', async () => {
  await central.stop();
  const add = await runCli(['registry', 'add', 'driver', 'DOFF', '--config', net.configPath], { env: { EVCHARGE_BROKERS: undefined } });
  assert.equal(add.code, 0, add.stderr);
  central = net.central();
  await central.waitForKind('serving', {}, 60000);
  type Row = { action: string; target: string; detail: string };
  let rows: Row[] = [];
  for (let attempt = 0; attempt < 15 && !rows.some((r) => r.target === 'driver DOFF'); attempt++) {
    const r = await runCli(['audit', '--json', '--config', net.configPath], { timeoutMs: 30000 });
    assert.equal(r.code, 0, r.stderr);
    rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
  }
  const offline = rows.filter((r) => r.action === 'registry-add' && r.target === 'driver DOFF');
  assert.equal(offline.length, 1, JSON.stringify(rows.filter((r) => r.action.startsWith('registry'))));
  assert.match(offline[0]!.detail, /^credential issued .* \(made while no central was active\)$/);
  // The identities added before the first central ever ran were audited by it, and not again by this one.
  for (const target of ['cp CPT1', 'cp CPT2', 'driver DT1']) {
    assert.equal(rows.filter((r) => r.action === 'registry-add' && r.target === target).length, 1, target);
  }
  assert.equal(rows.filter((r) => r.action === 'registry-revoke' && r.target === 'cp CPT2').length, 1);
});

/** A live telemetry record of `cpId` exactly as the CP wrote it, once a newer one follows it. */
async function olderTelemetry(topic: string, cpId: string): Promise<string> {
  const consumer = kafka.consumer({ groupId: `${net.tag}-spy-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const seen: string[] = [];
  try {
    return await new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const value = message.value?.toString() ?? '';
          if (message.key?.toString() !== cpId || !value.startsWith('{"sealed":1')) return;
          seen.push(value);
          if (seen.length === 2) resolve(seen[0]!);
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}
