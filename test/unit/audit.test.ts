import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeMessage } from '../../src/protocol/index.js';
import { identityKey, newCredentialSecret } from '../../src/protocol/credentials.js';
import { sealValue } from '../../src/protocol/seal.js';
import { addIdentity, emptyRegistry, revokeIdentity, registryChanges } from '../../src/roles/central/registry.js';
import { startCentral } from '../../src/roles/central/index.js';
import { readAuditRecord } from '../../src/cli/roles/audit-command.js';
import type { Credential } from '../../src/protocol/credential-file.js';
import { joinNetwork, testNet, type TestNet } from '../helpers/embedded-net.js';
import { flush, run } from './helpers.js';
import { FakeCp, CENTRAL_GROUPS } from './fakes.js';

const trail = (net: TestNet) =>
  net.bus.read('audit').map((r) => {
    const e = readAuditRecord(r);
    if ('bad' in e) throw new Error(`unreadable audit record: ${e.bad}`);
    return e.payload;
  });

test("an operator's actions go on the audit trail with their result, written by the active central", async () => {
  const net = testNet();
  const central = await startCentral({ bus: net.bus, clock: net.clock, groups: CENTRAL_GROUPS, principal: 'central' });
  const cp = new FakeCp(net, 'CP1');
  await cp.register();
  await flush(net);
  await central.stop('CP1');
  await central.resume('CP9');
  await central.resetKeys('CP1');
  await flush(net);
  assert.deepEqual(
    trail(net).map((e) => [e.by, e.principal, e.action, e.target, e.result, e.detail]),
    [
      ['central', 'central', 'operator-stop', 'CP1', 'ok', 'CP1 stopped'],
      ['central', 'central', 'operator-resume', 'CP9', 'failed', 'unknown charge point CP9'],
      ['central', 'central', 'operator-reset-keys', 'CP1', 'failed', 'records are not protected here (security.records is off): there are no keys to reset'],
    ],
  );
  await central.close();
});

test('refused records go on the trail, from central and from a CP; a flood is summarised; registry changes are written; entries stay readable with encrypt', async () => {
  const net = testNet();
  let registry = emptyRegistry(newCredentialSecret());
  const creds = new Map<string, Credential>();
  for (const id of ['CP001', 'CP002']) {
    const secret = newCredentialSecret();
    const added = addIdentity(registry, 'cp', id, secret, new Date(0));
    registry = added.doc;
    creds.set(id, { kind: 'cp', id, secret, issued: added.identity.issued });
  }
  const central = await startCentral({ bus: net.bus, clock: net.clock, groups: CENTRAL_GROUPS, trust: { protection: 'encrypt', registry: () => registry, freshnessMs: 120_000 } });
  const network = await joinNetwork(
    net,
    central,
    ['CP001', 'CP002'].map((id) => ({ groups: { main: `cp-${id}-group` }, id, location: 'X', pricePerKwh: 0.3, maxKw: 22, trust: { protection: 'encrypt' as const, credential: creds.get(id)!, freshnessMs: 120_000 } })),
    { groups: { main: 'driver-D-group', state: 'driver-D-group-state' }, id: 'D' },
    1000,
  );
  const cp2Key = identityKey('cp', 'CP002', creds.get('CP002')!.secret);
  const instanceId = central.store.getSnapshot().cps[0]!.instanceId;
  const forged = Array.from({ length: 25 }, (_, i) => {
    const r = encodeMessage('cp.fault', 'cp:CP001', { cpId: 'CP001', instanceId, detail: `forged ${i}` }, net.clock.now());
    return { ...r, value: sealValue(r.topic, r.key, r.value!, cp2Key, Date.now() * 1000 + i, net.clock.now(), 'sign') };
  });
  await net.bus.publish(forged);
  await run(net, 1500);
  const fromCentral = trail(net).filter((e) => e.by === 'central' && e.action === 'auth-failure');
  assert.equal(fromCentral.filter((e) => e.target === 'health CP001').length, 10, 'ten one by one');
  assert.match(fromCentral.find((e) => e.target === 'health CP001')!.detail, /^wrong-key: cp:CP002 is cp CP002's key and cannot speak for CP001 \(health\/0\/\d+\)$/);
  assert.deepEqual(fromCentral.filter((e) => e.target === '(many)').map((e) => e.detail), ['15 more records refused in a second, not listed one by one: 15 wrong-key']);

  // A forged order to CP001: the CP refuses it and says so on the trail.
  const cp = network.cps.get('CP001')!;
  const order = encodeMessage('cmd.set-service', 'central', { cpId: 'CP001', instanceId: cp.store.getSnapshot().instanceId, inService: false }, net.clock.now());
  await net.bus.publish([order]);
  await flush(net);
  const fromCp = trail(net).filter((e) => e.by === 'cp:CP001');
  assert.equal(fromCp.length, 1);
  assert.equal(fromCp[0]!.action, 'auth-failure');
  assert.match(fromCp[0]!.detail, /^unsealed: /);

  registry = revokeIdentity(registry, 'cp', 'CP002', new Date(5000));
  await run(net, 2500);
  assert.deepEqual(
    trail(net).filter((e) => e.action.startsWith('registry')).map((e) => [e.action, e.target, e.result]),
    [['registry-revoke', 'cp CP002', 'ok']],
  );
  assert.ok(net.bus.read('audit').every((r) => r.value!.startsWith('{"sealed":1,"alg":"hmac"')), 'signed, never encrypted: whoever audits can read it');
  await network.close();
});

test('registry changes: an add, a revoke and a replacement are told apart, secrets never named', () => {
  const a = addIdentity(emptyRegistry(newCredentialSecret()), 'cp', 'CP1', newCredentialSecret(), new Date(0)).doc;
  const b = addIdentity(a, 'driver', 'D1', newCredentialSecret(), new Date(1000)).doc;
  const c = revokeIdentity(b, 'cp', 'CP1', new Date(2000));
  assert.deepEqual(registryChanges(a, b).map((x) => [x.action, x.kind, x.id]), [['registry-add', 'driver', 'D1']]);
  assert.deepEqual(registryChanges(b, c).map((x) => [x.action, x.kind, x.id, x.detail]), [['registry-revoke', 'cp', 'CP1', 'revoked 1970-01-01T00:00:02.000Z']]);
  const secret = a.identities[0]!.secret;
  assert.ok(!JSON.stringify(registryChanges(a, c)).includes(secret));
});
