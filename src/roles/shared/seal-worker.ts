import { parentPort } from 'node:worker_threads';
import { parseSeal, verifySeal, type SealKey } from '../../protocol/seal.js';
import type { SealJob, WorkerAnswer, WorkerRequest } from './seal-pool.js';

/**
 * The seal pool's worker thread: opens sealed values with keys the main thread handed it (by key
 * id). It decides nothing: who may use which key is the main thread's policy, which sees every
 * answer before a record counts.
 */
const keys = new Map<string, SealKey>();

function open([topic, recordKey, value]: SealJob): WorkerAnswer {
  const parsed = parseSeal(value);
  if (!('alg' in parsed)) return [0, parsed.code, parsed.reason, parsed.kid];
  const key = keys.get(parsed.kid);
  if (!key) return [1, parsed.kid];
  const r = verifySeal(topic, recordKey, parsed, key);
  return r.ok ? [3, r.kid, r.ctr, r.ts, r.alg, r.value] : [2, r.code, r.reason, r.kid];
}

parentPort?.on('message', (m: WorkerRequest) => {
  for (const [kid, mac, enc] of m.keys) keys.set(kid, { kid, mac: Buffer.from(mac), enc: Buffer.from(enc) });
  parentPort!.postMessage({ id: m.id, answers: m.jobs.map(open) });
});
