import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openValue, sealValue, sealKeyFrom, newSessionSecret, type SealKey } from '../../src/protocol/seal.js';
import { ReplayGuard, SealCounter } from '../../src/protocol/replay-guard.js';
import { identityKey, newCredentialSecret, newKeyId, ownerOfKeyId, sessionKey } from '../../src/protocol/credentials.js';
import { encodeMessage } from '../../src/protocol/encode.js';
import { decodeRecord } from '../../src/protocol/decode.js';

const telemetry = (cpId: string) =>
  encodeMessage('cp.fault', `cp:${cpId}`, { cpId, instanceId: '6b0f2a36-3f0e-4c54-9b8e-0c8e7b0c1d11', detail: 'kwh meter: 1.25 kWh' }, 1_800_000_000_000);

const keys = new Map<string, SealKey>();
const lookup = (kid: string) => keys.get(kid) ?? null;
const cp1 = sealKeyFrom('cp:CP001:a', newSessionSecret());
const cp2 = sealKeyFrom('cp:CP002:b', newSessionSecret());
keys.set(cp1.kid, cp1);
keys.set(cp2.kid, cp2);

for (const protection of ['sign', 'encrypt'] as const) {
  test(`${protection}: a sealed record opens to the exact envelope, which decodes as before; encrypt hides the payload`, () => {
    const r = telemetry('CP001');
    const sealed = sealValue(r.topic, r.key, r.value!, cp1, 17, 1_800_000_000_000, protection);
    const opened = openValue(r.topic, r.key, sealed, lookup);
    assert.ok(opened.ok, JSON.stringify(opened));
    assert.equal(opened.value, r.value);
    assert.deepEqual([opened.kid, opened.ctr, opened.ts], [cp1.kid, 17, 1_800_000_000_000]);
    const decoded = decodeRecord({ topic: r.topic, key: r.key, value: opened.value, partition: 0, offset: '0', timestamp: 0 });
    assert.ok(decoded.ok);
    if (protection === 'encrypt') assert.doesNotMatch(sealed, /kWh|instanceId|6b0f2a36|cp.fault/, 'nothing of the envelope in the clear (the key id, like the record key, names the CP)');
    else assert.match(sealed, /kwh meter: 1\.25 kWh/);
  });

  test(`${protection}: a changed byte, another key, another topic or record key, and a changed counter are each refused`, () => {
    const r = telemetry('CP001');
    const sealed = sealValue(r.topic, r.key, r.value!, cp1, 17, 1_800_000_000_000, protection);
    const w = JSON.parse(sealed) as Record<string, unknown>;
    const code = (v: string, topic: string = r.topic, key: string = r.key) => {
      const o = openValue(topic, key, v, lookup);
      return o.ok ? 'ok' : o.code;
    };
    const body = w.body as string;
    const flipped = body.slice(0, 20) + (body[20] === 'A' ? 'B' : 'A') + body.slice(21);
    assert.equal(code(JSON.stringify({ ...w, body: flipped })), 'bad-tag', 'one byte of the body');
    assert.equal(code(JSON.stringify({ ...w, ctr: 18 })), 'bad-tag', 'the counter is under the tag');
    assert.equal(code(JSON.stringify({ ...w, ts: 1_800_000_000_001 })), 'bad-tag', 'the seal time is under the tag');
    assert.equal(code(JSON.stringify({ ...w, kid: cp2.kid })), 'bad-tag', "CP002's key cannot vouch for CP001's record");
    assert.equal(code(sealed, 'telemetry'), 'bad-tag', 'moved to another topic');
    assert.equal(code(sealed, r.topic, 'CP002'), 'bad-tag', 're-keyed for another CP');
    assert.equal(code(JSON.stringify({ ...w, kid: 'cp:CP001:gone' })), 'unknown-key');
    assert.equal(code(r.value!), 'unsealed');
    assert.equal(code('{"sealed":1,"alg":"rot13"}'), 'bad-seal');
    assert.equal(code('{"sealed":'), 'bad-seal');
    assert.equal(code(JSON.stringify({ ...w, tag: 'AAAA' })), 'bad-tag', 'a short tag');
  });
}

test('a CP holding its own key cannot seal for another: the writer of a record is the key, whatever the envelope says', () => {
  const forged = telemetry('CP001');
  // CP002 writes a record for CP001 under its own key: the tag is valid, but the key is CP002's.
  const sealed = sealValue(forged.topic, forged.key, forged.value!, cp2, 1, 1_800_000_000_000, 'sign');
  const opened = openValue(forged.topic, forged.key, sealed, lookup);
  assert.ok(opened.ok);
  assert.deepEqual(ownerOfKeyId(opened.kid), { kind: 'cp', id: 'CP002' }, 'the reader learns whose key it was and compares it with the record');
});

test('replay guard: a counter is accepted once per key and topic; a stale seal is refused; the writer counter grows across restarts', () => {
  const g = new ReplayGuard(120_000);
  const t = 1_800_000_000_000;
  assert.deepEqual(g.check('k', 'telemetry', 5, t, t + 10), { ok: true });
  assert.equal((g.check('k', 'telemetry', 5, t, t + 20) as { code: string }).code, 'again', 'the last record once more: a retry or a copy, dropped as a duplicate');
  assert.equal((g.check('k', 'telemetry', 4, t, t + 20) as { code: string }).code, 'replay', 'an older one');
  assert.deepEqual(g.check('k', 'health', 5, t, t + 20), { ok: true }, 'topics count apart');
  assert.deepEqual(g.check('k2', 'telemetry', 1, t, t), { ok: true }, 'keys count apart');
  const stale = g.check('k', 'telemetry', 6, t, t + 121_000);
  assert.equal((stale as { code: string }).code, 'stale');
  assert.match((stale as { reason: string }).reason, /121 s away .*window 120 s/);
  assert.deepEqual(g.check('k', 'telemetry', 7, t + 121_000, t + 121_500), { ok: true }, 'a backlog read late is fresh: judged by its own record time');
  g.forget('k');
  assert.deepEqual(g.check('k', 'telemetry', 5, t, t), { ok: true });

  let now = 1000;
  const a = new SealCounter(() => now);
  const first = a.next();
  assert.ok(a.next() > first && a.next() > first + 1, 'strictly growing, even with a clock that stands still');
  now = 1001;
  const restarted = new SealCounter(() => now);
  assert.ok(restarted.next() > first + 2, 'a restart a millisecond later still counts above');
});

test('credentials: the session key is derived from the credential and the key id alone; other credentials or ids give other keys', () => {
  const secret = newCredentialSecret();
  const kid = newKeyId('cp', 'CP001');
  assert.match(kid, /^cp:CP001:[A-Za-z0-9_-]{12}$/);
  assert.deepEqual(ownerOfKeyId(kid), { kind: 'cp', id: 'CP001' });
  assert.deepEqual(ownerOfKeyId('driver:D1'), { kind: 'driver', id: 'D1' });
  assert.equal(ownerOfKeyId('central'), null);
  const r = telemetry('CP001');
  const sealed = sealValue(r.topic, r.key, r.value!, sessionKey(kid, secret), 1, 1, 'sign');
  assert.ok(openValue(r.topic, r.key, sealed, (k) => (k === kid ? sessionKey(kid, secret) : null)).ok, 'central, from the registry and the id, opens what the CP sealed');
  assert.equal((openValue(r.topic, r.key, sealed, () => sessionKey(kid, newCredentialSecret())) as { code: string }).code, 'bad-tag');
  assert.equal((openValue(r.topic, r.key, sealed, () => sessionKey(newKeyId('cp', 'CP001'), secret)) as { code: string }).code, 'bad-tag', 'a reset (new id) is a new key');
  assert.notDeepEqual(identityKey('cp', 'CP001', secret).mac, sessionKey(kid, secret).mac);
  assert.notDeepEqual(identityKey('cp', 'CP001', secret).mac, identityKey('driver', 'CP001', secret).mac);
});

test('replay guard: a record read again from its position (an aborted transaction, a rebalance) gets its first verdict; a copy written anew is a replay', () => {
  const g = new ReplayGuard(120_000);
  const t = 1_800_000_000_000;
  const at = (offset: number) => ({ log: 'telemetry/0', offset });
  // CP001's readings 10, 11, 12 at offsets 0-2; an attacker's copy of reading 10 at offset 3.
  const first = [g.check('k', 'telemetry\nCP001', 10, t, t, at(0)), g.check('k', 'telemetry\nCP001', 11, t, t, at(1)), g.check('k', 'telemetry\nCP001', 12, t, t, at(2)), g.check('k', 'telemetry\nCP001', 10, t, t, at(3))];
  assert.deepEqual(first.map((v) => (v.ok ? 'ok' : v.code)), ['ok', 'ok', 'ok', 'replay']);
  // The batch's transaction aborted: the same four records come again, from offset 0.
  const again = [0, 1, 2, 3].map((o) => g.check('k', 'telemetry\nCP001', [10, 11, 12, 10][o]!, t, t, at(o)));
  assert.deepEqual(again.map((v) => (v.ok ? 'ok' : v.code)), ['ok', 'ok', 'ok', 'replay'], 'the same verdicts, so the readings are applied again and the copy stays refused');
  // The copy written once more, at a new position: still a replay; and the next real reading passes.
  assert.equal((g.check('k', 'telemetry\nCP001', 11, t, t, at(4)) as { code: string }).code, 'replay');
  assert.deepEqual(g.check('k', 'telemetry\nCP001', 13, t, t, at(5)), { ok: true });
  // Another partition is another log: offset 0 there is new.
  assert.equal((g.check('k', 'telemetry\nCP001', 12, t, t, { log: 'telemetry/1', offset: 0 }) as { code: string }).code, 'replay');
  // Offsets below the first one read are not re-reads: a reader that started later and then reads older records checks them.
  const h = new ReplayGuard(120_000);
  assert.deepEqual(h.check('k', 's', 20, t, t, at(100)), { ok: true });
  assert.equal((h.check('k', 's', 5, t, t, at(50)) as { code: string }).code, 'replay');
});
