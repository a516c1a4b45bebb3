import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { encodeMessage } from '../../src/protocol/index.js';
import { identityKey, newCredentialSecret, sessionKey } from '../../src/protocol/credentials.js';
import { sealValue, type RecordProtection } from '../../src/protocol/seal.js';
import { addIdentity, emptyRegistry, revokeIdentity, type RegistryDoc } from '../../src/roles/central/registry.js';
import { startCentral } from '../../src/roles/central/index.js';
import type { Credential } from '../../src/protocol/credential-file.js';
import { joinNetwork, testNet } from '../helpers/embedded-net.js';
import { flush, run } from './helpers.js';

const CENTRAL_GROUPS = { main: 'central-group', state: 'central-group-state', lease: 'central-group-lease' };

interface Fixture {
  registry: RegistryDoc;
  creds: Map<string, Credential>;
}

function registryWith(ids: [('cp' | 'driver'), string][]): Fixture {
  let registry = emptyRegistry(newCredentialSecret());
  const creds = new Map<string, Credential>();
  for (const [kind, id] of ids) {
    const secret = newCredentialSecret();
    const added = addIdentity(registry, kind, id, secret, new Date(0));
    registry = added.doc;
    creds.set(`${kind}:${id}`, { kind, id, secret, issued: added.identity.issued });
  }
  return { registry, creds };
}

async function secureNetwork(protection: RecordProtection, fx = registryWith([['cp', 'CP001'], ['cp', 'CP002'], ['driver', 'D1'], ['driver', 'D2']])) {
  const net = testNet();
  let registry = fx.registry;
  const central = await startCentral({ bus: net.bus, clock: net.clock, groups: CENTRAL_GROUPS, trust: { protection, registry: () => registry, freshnessMs: 120_000 } });
  const holder = (kind: 'cp' | 'driver', id: string) => ({ protection, credential: fx.creds.get(`${kind}:${id}`)!, freshnessMs: 120_000 });
  const network = await joinNetwork(
    net,
    central,
    ['CP001', 'CP002'].map((id) => ({ groups: { main: `cp-${id}-group` }, id, location: 'Main St', pricePerKwh: 0.35, maxKw: 22, speed: 10, trust: holder('cp', id) })),
    { groups: { main: 'driver-D1-group', state: 'driver-D1-group-state' }, id: 'D1', answerTimeoutMs: 5000, trust: holder('driver', 'D1') },
    1000,
  );
  return { ...network, fx, setRegistry: (r: RegistryDoc) => (registry = r) };
}

const refused = (net: { central: { counters(): { refused?: number } } }) => net.central.counters().refused ?? 0;
const kidOf = (net: Awaited<ReturnType<typeof secureNetwork>>, cpId: string) => net.central.store.getSnapshot().cps.find((c) => c.id === cpId)!.kid!;

for (const protection of ['sign', 'encrypt'] as const) {
  test(`${protection}: the whole flow works sealed; every record on the bus is sealed, and with encrypt nothing of a CP's or driver's payload is in the clear`, async () => {
    const net = await secureNetwork(protection);
    const { central, driver } = net;
    assert.deepEqual(central.store.getSnapshot().cps.map((c) => [c.id, c.state]), [['CP001', 'AVAILABLE'], ['CP002', 'AVAILABLE']]);
    assert.match(kidOf(net, 'CP001'), /^cp:CP001:/, 'central issued a session key id, kept on cp-state');
    assert.equal(driver.store.getSnapshot().cps.length, 2, 'the driver lists the CPs from the signed cp-state');
    const answer = await driver.request('CP001');
    assert.ok(answer.granted, JSON.stringify(answer));
    await run(net, 5000);
    assert.ok((driver.store.getSnapshot().supply?.kwh ?? 0) > 0.1);
    const ticket = driver.ticketFor(answer.sessionId);
    assert.equal((await driver.stopSupply()).ok, true);
    await flush(net);
    assert.equal((await ticket)?.kwh, 0.214);
    assert.equal(refused(net), 0, 'nothing honest was refused');
    for (const topic of ['cp-register', 'cp-register-ack', 'auth-request', 'auth-response', 'cp-commands', 'telemetry', 'health', 'driver-updates', 'cp-state'] as const) {
      const records = net.bus.read(topic).filter((r) => r.value !== null);
      assert.ok(records.length > 0, `${topic} carried records`);
      for (const r of records) assert.match(r.value!, /^\{"sealed":1,"alg":"(hmac|gcm)"/, `${topic}: ${r.value!.slice(0, 80)}`);
      if (protection === 'encrypt' && topic !== 'cp-state' && topic !== 'health') {
        for (const r of records) assert.doesNotMatch(r.value!, /instanceId|requestId|sessionId|kwh/, `${topic} in the clear`);
      }
    }
    await net.close();
  });
}

test("forgeries change nothing: CP002's keys speaking for CP001, an unsealed record, a driver's key for another driver, a forged order to a CP", async () => {
  const net = await secureNetwork('sign');
  const { central, driver, fx } = net;
  const answer = await driver.request('CP001');
  assert.ok(answer.granted);
  await run(net, 3000);
  const cp1 = () => central.store.getSnapshot().cps.find((c) => c.id === 'CP001')!;
  const kwhBefore = cp1().supply!.kwh;
  const instanceId = cp1().instanceId;
  const now = () => net.clock.now();
  const cp2Secret = fx.creds.get('cp:CP002')!.secret;
  const cp2Session = sessionKey(kidOf(net, 'CP002'), cp2Secret);
  const forge = (type: Parameters<typeof encodeMessage>[0], payload: object, key: Parameters<typeof sealValue>[3] | null) => {
    const r = encodeMessage(type, 'cp:CP001', payload as never, now());
    return { ...r, value: key ? sealValue(r.topic, r.key, r.value!, key, Date.now() * 1000, now(), 'sign') : r.value };
  };
  const telemetry = { cpId: 'CP001', instanceId, sessionId: answer.sessionId, seq: 999, kw: 22, kwh: 500, eur: 175 };
  const before = refused(net);
  await net.bus.publish([
    forge('supply.telemetry', telemetry, cp2Session),
    forge('supply.telemetry', { ...telemetry, seq: 1000 }, identityKey('cp', 'CP002', cp2Secret)),
    forge('supply.telemetry', { ...telemetry, seq: 1001 }, null),
    forge('cp.fault', { cpId: 'CP001', instanceId, detail: 'forged' }, cp2Session),
  ]);
  await run(net, 500);
  assert.equal(refused(net) - before, 4, 'each forgery refused');
  assert.equal(cp1().state, 'CHARGING', 'no forged fault');
  assert.ok(cp1().supply!.kwh < 1, `kWh ${cp1().supply!.kwh} is the meter's, not the forger's 500`);
  assert.ok(cp1().supply!.kwh >= kwhBefore);
  const dead = net.bus.read('dead-letter').map((r) => r.value!).join('\n');
  assert.match(dead, /wrong-key: cp:CP002:\S+ is cp CP002's key and cannot speak for CP001/);
  assert.match(dead, /unsealed: the record carries no seal/);

  // D2, a registered driver, tries to stop D1's supply under its own key.
  const d2 = identityKey('driver', 'D2', fx.creds.get('driver:D2')!.secret);
  const stop = encodeMessage('driver.stop', 'driver:D1', { requestId: randomUUID(), driverId: 'D1', sessionId: answer.sessionId }, now());
  await net.bus.publish([{ ...stop, value: sealValue(stop.topic, stop.key, stop.value!, d2, Date.now() * 1000, now(), 'sign') }]);
  await run(net, 1000);
  assert.equal(cp1().state, 'CHARGING', "D2 cannot stop D1's supply");
  assert.match(net.bus.read('dead-letter').map((r) => r.value!).join('\n'), /wrong-key: driver:D2 is driver D2's key and cannot speak for D1/);

  // A forged order to CP001 (under CP002's key, and unsealed): the CP refuses it.
  const cp = net.cps.get('CP001')!;
  const order = encodeMessage('cmd.stop-supply', 'central', { cpId: 'CP001', instanceId: cp.store.getSnapshot().instanceId, sessionId: answer.sessionId }, now());
  await net.bus.publish([{ ...order, value: sealValue(order.topic, order.key, order.value!, cp2Session, Date.now() * 1000, now(), 'sign') }, order]);
  await run(net, 1000);
  assert.equal(cp.store.getSnapshot().state, 'CHARGING', 'the CP acts only on central');
  assert.equal(cp.counters().refused, 2);
  await net.close();
});

test('a captured record written again: within the window it is a duplicate (not applied), later it is stale; a revoked CP is refused', async () => {
  const net = await secureNetwork('sign');
  const { central, driver } = net;
  const answer = await driver.request('CP001');
  assert.ok(answer.granted);
  await run(net, 3000);
  const captured = net.bus.read('telemetry').filter((r) => r.key === 'CP001').at(-1)!;
  const dropped = () => central.counters().duplicates + refused(net);
  const droppedBefore = dropped();
  const kwh = () => central.store.getSnapshot().cps.find((c) => c.id === 'CP001')!.supply!.kwh;
  const kwhBefore = kwh();
  await net.bus.publish([{ topic: captured.topic, key: captured.key!, value: captured.value }]);
  await flush(net);
  assert.equal(dropped(), droppedBefore + 1, 'the copy is recognised (as the last record again, or a replay) and not applied');
  assert.equal(kwh(), kwhBefore);
  net.clock.advance(130_000);
  const before = refused(net);
  await net.bus.publish([{ topic: captured.topic, key: captured.key!, value: captured.value }]);
  await flush(net);
  assert.equal(refused(net), before + 1);
  assert.match(net.bus.read('dead-letter').map((r) => r.value!).join('\n'), /stale: sealed 13\d s away from its record's time/);

  net.setRegistry(revokeIdentity(net.fx.registry, 'cp', 'CP002', new Date()));
  const r2 = refused(net);
  await run(net, 3000);
  assert.ok(refused(net) > r2, "CP002's heartbeats are refused once its credential is revoked");
  assert.match(net.bus.read('dead-letter').map((r) => r.value!).join('\n'), /unknown-key: cp CP002 is not in the registry or was revoked/);
  await net.close();
});

test('a standby taking over checks the same keys: the session key ids come from cp-state, the supply goes on, one ticket', async () => {
  const net = await secureNetwork('encrypt');
  const { driver, fx } = net;
  const standby = await startCentral({
    bus: net.bus,
    clock: net.clock,
    groups: { ...CENTRAL_GROUPS, state: 'central-group-state-2' },
    trust: { protection: 'encrypt', registry: () => fx.registry, freshnessMs: 120_000 },
  });
  await run(net, 500);
  assert.equal(standby.store.getSnapshot().phase, 'standby');
  assert.equal(standby.store.getSnapshot().cps.find((c) => c.id === 'CP001')?.kid, kidOf(net, 'CP001'), "the standby mirrored the CP's key id");
  const answer = await driver.request('CP001');
  assert.ok(answer.granted);
  await run(net, 2000);
  await net.central.close();
  await run(net, 3000);
  assert.equal(standby.store.getSnapshot().phase, 'serving');
  const kwh = standby.store.getSnapshot().cps.find((c) => c.id === 'CP001')!.supply!.kwh;
  await run(net, 2000);
  assert.ok(standby.store.getSnapshot().cps.find((c) => c.id === 'CP001')!.supply!.kwh > kwh, "the new active applies the CP's sealed readings");
  const ticket = driver.ticketFor(answer.sessionId);
  assert.equal((await driver.stopSupply()).ok, true, 'the new active hears the driver');
  await run(net, 1000);
  assert.ok(((await ticket)?.kwh ?? 0) > 0);
  assert.equal(driver.store.getSnapshot().tickets.length, 1);
  assert.equal(standby.counters().refused ?? 0, 0, 'nothing honest refused across the takeover');
  assert.deepEqual(standby.store.getSnapshot().cps.map((c) => c.state), ['AVAILABLE', 'AVAILABLE'], 'no CP lost across the change');
  await driver.close();
  for (const cp of net.cps.values()) await cp.close();
  await standby.close();
  await net.bus.close();
});

test('reset keys during a supply: one ticket (keys-reset), OUT_OF_SERVICE, the CP re-authenticates by itself with a new key, the old key is refused', async () => {
  const net = await secureNetwork('sign');
  const { central, driver, fx } = net;
  const answer = await driver.request('CP001');
  assert.ok(answer.granted);
  await run(net, 3000);
  const oldKid = kidOf(net, 'CP001');
  const ticket = driver.ticketFor(answer.sessionId);
  const result = await central.resetKeys('CP001');
  assert.deepEqual(result, { ok: true, text: 'CP001 keys reset; it re-authenticates by itself' });
  const cp1 = () => central.store.getSnapshot().cps.find((c) => c.id === 'CP001')!;
  assert.equal(cp1().state, 'OUT_OF_SERVICE');
  assert.equal(cp1().kid, undefined, 'the old key is revoked at once');
  await flush(net);
  const t = await ticket;
  assert.equal(t?.reason, 'keys-reset');
  assert.ok((t?.kwh ?? 0) > 0);
  const cp = net.cps.get('CP001')!;
  await run(net, 3000);
  assert.notEqual(kidOf(net, 'CP001'), oldKid, 'a new session key');
  assert.equal(cp1().state, 'AVAILABLE', 'back in service once authenticated');
  assert.equal(cp1().keysResetAt, undefined);
  assert.equal(cp.store.getSnapshot().state, 'AVAILABLE');
  assert.equal(driver.store.getSnapshot().tickets.length, 1, 'one ticket');

  // A heartbeat under the old key (whoever holds it) is refused.
  const before = refused(net);
  const hb = encodeMessage('cp.heartbeat', 'cp:CP001', { cpId: 'CP001', instanceId: cp1().instanceId, status: 'faulted', sessionId: null, outOfService: false }, net.clock.now());
  const old = sessionKey(oldKid, fx.creds.get('cp:CP001')!.secret);
  await net.bus.publish([{ ...hb, value: sealValue(hb.topic, hb.key, hb.value!, old, Date.now() * 1000, net.clock.now(), 'sign') }]);
  await flush(net);
  assert.equal(refused(net), before + 1);
  assert.match(net.bus.read('dead-letter').map((r) => r.value!).join('\n'), new RegExp(`unknown-key: ${oldKid} is not the key central issued to CP001`));
  assert.equal(cp1().state, 'AVAILABLE');

  const again = await driver.request('CP001');
  assert.ok(again.granted, 'it serves again');
  await run(net, 2000);
  assert.ok((driver.store.getSnapshot().supply?.kwh ?? 0) > 0);
  await net.close();
});

test('reset keys without record protection says there is nothing to reset', async () => {
  const net = testNet();
  const central = await startCentral({ bus: net.bus, clock: net.clock, groups: CENTRAL_GROUPS });
  assert.deepEqual(await central.resetKeys('CP001'), { ok: false, text: 'records are not protected here (security.records is off): there are no keys to reset' });
  await central.close();
});
