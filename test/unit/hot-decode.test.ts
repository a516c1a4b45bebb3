import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingRecord } from '../../src/bus/bus.js';
import type { TopicKey } from '../../src/bus/topics.js';
import { decodeBySchemas, decodeRecord } from '../../src/protocol/decode.js';
import { hotDecode } from '../../src/protocol/hot-decode.js';

// The hot path must accept exactly what the schemas accept, and build the same message: every
// record below is decoded both ways and the results compared.
const U1 = '6b0f2a36-3f0e-4c54-9b8e-0c8e7b0c1d11';
const U2 = '0d3c3f9e-1f2a-4b6c-8d7e-9f0a1b2c3d4e';
const telemetry = () => ({ type: 'supply.telemetry', sender: 'cp:CP001', id: U1, ts: 1_800_000_000_000, v: 1, payload: { cpId: 'CP001', instanceId: U2, sessionId: U1, seq: 7, kw: 22, kwh: 0.125, eur: 0.04 } });
const heartbeat = () => ({ type: 'cp.heartbeat', sender: 'cp:CP001', id: U2, ts: 1_800_000_000_000, v: 1, payload: { cpId: 'CP001', instanceId: U1, status: 'supplying', sessionId: U2, outOfService: false } });
const record = (json: unknown, topic: TopicKey, key: string | null = 'CP001'): IncomingRecord => ({ topic, key, value: typeof json === 'string' ? json : JSON.stringify(json), partition: 0, offset: '0', timestamp: 0 });

const ODD_VALUES: unknown[] = [
  undefined, null, '', ' ', 'x', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(128), 'x'.repeat(129), '😀'.repeat(40), '😀'.repeat(64), '😀'.repeat(65), 'a😀', 'CP 1', 'CP001', 'CP002', 'a'.repeat(64), 'a'.repeat(65),
  -1, -0, 0, 0.5, 1, 7, 1.5, 9999.99, 10_000, 10_000.001, 1_000_000, 1_000_000.5, 100_000_000, 100_000_001, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e300,
  true, false, [], [1], {}, { a: 1 },
  U1, U1.toUpperCase(), '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '6b0f2a36-3f0e-0c54-9b8e-0c8e7b0c1d11', '6b0f2a36-3f0e-9c54-9b8e-0c8e7b0c1d11', '6b0f2a36-3f0e-4c54-7b8e-0c8e7b0c1d11', `${U1} `, `{${U1}}`, U1.replace(/-/g, ''),
  'idle', 'supplying', 'faulted', 'IDLE', 'supply.telemetry', 'cp.heartbeat', 'cp.fault',
];
const ENVELOPE_FIELDS = ['type', 'sender', 'id', 'ts', 'v', 'payload'];

function same(json: unknown, topic: TopicKey, key: string | null = 'CP001'): boolean {
  const r = record(json, topic, key);
  const hot = decodeRecord(r);
  const slow = decodeBySchemas(r);
  assert.deepStrictEqual(hot, slow, `${r.value} on ${topic} keyed ${key}`);
  return hot.ok;
}

for (const [name, make, topic] of [['telemetry', telemetry, 'telemetry'], ['heartbeat', heartbeat, 'health']] as const) {
  test(`${name}: the hot path takes the valid record, and every field set to every odd value decodes as the schemas decode it`, () => {
    const base = make();
    assert.ok(hotDecode(JSON.parse(JSON.stringify(base)), topic, 'CP001'), 'the valid record goes the hot way');
    assert.equal(same(base, topic), true);
    let accepted = 0;
    let checked = 0;
    for (const field of [...ENVELOPE_FIELDS, ...Object.keys(base.payload).map((k) => `payload.${k}`), 'payload.extra', 'extra']) {
      for (const value of ODD_VALUES) {
        const json = make() as Record<string, unknown>;
        const [head, tail] = field.split('.');
        const target = (tail ? json['payload'] : json) as Record<string, unknown>;
        const k = (tail ?? head)!;
        if (value === undefined) delete target[k];
        else target[k] = value;
        if (same(json, topic)) accepted++;
        checked++;
      }
    }
    assert.ok(accepted > 20 && accepted < checked, `${accepted} of ${checked} accepted: both ways agree on many of each`);
    // Wrong topic, another CP's key, no key, not an object.
    for (const [t, key] of [[topic === 'telemetry' ? 'health' : 'telemetry', 'CP001'], [topic, 'CP002'], [topic, null]] as const) assert.equal(same(make(), t, key), false);
    for (const raw of ['[]', 'null', '7', '"x"', `[${JSON.stringify(make())}]`]) assert.equal(same(raw, topic), false);
  });
}

test('random mixes of two or three odd fields decode the same both ways', () => {
  let seed = 12345;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let i = 0; i < 3000; i++) {
    const tele = rnd(2) === 0;
    const json = (tele ? telemetry() : heartbeat()) as Record<string, unknown>;
    const payload = json['payload'] as Record<string, unknown>;
    const fields = [...ENVELOPE_FIELDS.filter((f) => f !== 'payload').map((f) => [json, f] as const), ...Object.keys(payload).map((f) => [payload, f] as const)];
    for (let j = 0, n = 2 + rnd(2); j < n; j++) {
      const [target, k] = fields[rnd(fields.length)]!;
      const value = ODD_VALUES[rnd(ODD_VALUES.length)];
      if (value === undefined) delete target[k];
      else target[k] = value;
    }
    same(json, tele ? 'telemetry' : 'health', rnd(10) === 0 ? 'CP002' : 'CP001');
  }
});
