import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bus, IncomingRecord } from '../../src/bus/bus.js';
import type { TopicKey } from '../../src/bus/topics.js';
import { systemClock } from '../../src/bus/clock.js';
import { encodeMessage } from '../../src/protocol/encode.js';
import { newSessionSecret, sealKeyFrom, sealValue, type SealKey } from '../../src/protocol/seal.js';
import { SealedBus, type CheckedRecord, type TrustPolicy } from '../../src/roles/shared/sealed-bus.js';

// Big batches are opened on the seal pool's worker thread. Whatever thread opens them, every
// record must get the verdict the inline path gives it, in order (the replay guard counts).
const k1 = sealKeyFrom('cp:CP001:s1', newSessionSecret());
const k2 = sealKeyFrom('cp:CP002:s2', newSessionSecret());
let revoked = new Set<string>();
const policy: TrustPolicy = {
  sealing: () => null,
  opening: (kid, record) => {
    const key: SealKey | undefined = { [k1.kid]: k1, [k2.kid]: k2 }[kid];
    if (!key || revoked.has(kid)) return { code: 'unknown-key', reason: `${kid} unknown` };
    if (!kid.startsWith(`cp:${record.key}:`)) return { code: 'wrong-key', reason: `${kid} cannot speak for ${record.key}` };
    return key;
  },
  unsealed: (topic) => topic === 'dead-letter',
};
const noBus = { close: async () => {} } as unknown as Bus;

function batch(protection: 'sign' | 'encrypt', from: number): IncomingRecord[] {
  const now = Date.now();
  const records: IncomingRecord[] = [];
  const add = (key: string, value: string | null, topic: TopicKey = 'telemetry') => records.push({ topic, key, value, partition: 0, offset: String(from + records.length), timestamp: now });
  for (let i = 0; i < 120; i++) {
    const cp = i % 2 === 0 ? 'CP001' : 'CP002';
    const r = encodeMessage('cp.fault', `cp:${cp}`, { cpId: cp, instanceId: '6b0f2a36-3f0e-4c54-9b8e-0c8e7b0c1d11', detail: `reading ${from + i}` }, now);
    add(cp, sealValue('telemetry', cp, r.value!, cp === 'CP001' ? k1 : k2, (from + i) * 10, now, protection));
  }
  const honest = records[4]!.value!;
  add('CP001', honest); // a copy written anew: replay
  add('CP002', sealValue('telemetry', 'CP002', 'x', k1, 1e9 + from, now, protection)); // CP001's key for CP002
  add('CP001', honest.replace(/"tag":"./, (t) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A'))); // a changed tag
  add('CP001', '{"type":"cp.fault"}'); // unsealed
  add('CP001', '{"sealed":1,"alg":'); // broken
  add('CP001', null); // a tombstone
  add('CP001', 'anything', 'dead-letter'); // read as it comes
  add('CP001', sealValue('telemetry', 'CP001', 'old', k1, 1, now - 10 * 60_000, protection)); // stale
  return records;
}

const verdicts = (rs: CheckedRecord[]) => rs.map((r) => (r.seal?.refused ? `refused ${r.seal.refused.code}` : r.seal?.repeat ? 'repeat' : r.seal?.again ? 'again' : r.seal ? `ok ${r.value?.length}` : `as is ${r.value}`));

for (const protection of ['sign', 'encrypt'] as const) {
  test(`${protection}: a batch opened on the worker gets, record by record, the verdicts of the inline path`, async () => {
    revoked = new Set();
    const pooled = new SealedBus(noBus, policy, systemClock, 120_000);
    const inline = new SealedBus(noBus, policy, systemClock, 120_000, { pool: false });
    try {
      for (const from of [0, 1000]) {
        const records = batch(protection, from);
        const viaWorker = verdicts(await pooled.checkBatch(records));
        const viaHand = verdicts(records.map((r) => inline.check(r)));
        assert.deepEqual(viaWorker, viaHand, `batch from ${from}`);
        assert.equal(viaWorker.filter((v) => v.startsWith('ok')).length, 120, 'every honest reading opens');
        // The first batch taught the worker the keys (it had none); from the second on it opens them.
        if (from > 0) assert.ok(pooled.openedOnWorker >= 121, `opened on the worker: ${pooled.openedOnWorker}`);
        assert.deepEqual(viaWorker.slice(120), ['repeat', 'refused wrong-key', 'refused bad-tag', 'refused unsealed', 'refused bad-seal', 'as is null', 'as is anything', 'refused stale']);
      }
      // A key revoked meanwhile: the worker still holds it, the policy says no.
      revoked = new Set([k2.kid]);
      const records = batch(protection, 2000);
      const viaWorker = verdicts(await pooled.checkBatch(records));
      assert.deepEqual(viaWorker, verdicts(records.map((r) => inline.check(r))));
      assert.equal(viaWorker.filter((v) => v === 'refused unknown-key').length, 60, "CP002's readings, every one");
    } finally {
      await pooled.close();
    }
  });
}
