import type { Message } from './messages.js';
import { ID_PATTERN } from './ids.js';

/**
 * The hot path of decoding (issue 13): telemetry and heartbeats are most of what central reads,
 * one per CP per second each. For them, a hand-written check accepts exactly the records the zod
 * schemas would accept (messages.ts, payloads.ts, envelope.ts) and builds the same message, with
 * no validator objects on the way. It only ever says yes: anything it does not accept goes on to
 * the schemas, which decide and say why (test/unit/hot-decode.test.ts holds the two together).
 */

// zod's z.uuid(): RFC 9562 versions 1-8, or the nil and max UUIDs.
const UUID = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUuid = (v: unknown): v is string => typeof v === 'string' && v.length === 36 && UUID.test(v);
const isId = (v: unknown): v is string => typeof v === 'string' && ID_PATTERN.test(v);
// Strings are measured here in UTF-16 units; zod counts code points, which are never more.
const isText = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const inRange = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max;

/** The message, when `json` (a parsed record on `topic`, keyed `key`) is a valid telemetry reading or heartbeat; else null. */
export function hotDecode(json: unknown, topic: string, key: string | null): Message | null {
  if (!isObject(json)) return null;
  const { type, sender, id, ts, v, payload: p } = json;
  if (type === 'supply.telemetry') {
    if (topic !== 'telemetry' || !isObject(p)) return null;
  } else if (type === 'cp.heartbeat') {
    if (topic !== 'health' || !isObject(p)) return null;
  } else return null;
  if (!isText(sender, 1, 128) || !isUuid(id) || !isCount(ts) || v !== 1) return null;
  const { cpId, instanceId } = p;
  if (!isId(cpId) || cpId !== key || !isUuid(instanceId)) return null;
  if (type === 'supply.telemetry') {
    const { sessionId, seq, kw, kwh, eur } = p;
    if (!isUuid(sessionId) || !isCount(seq) || !inRange(kw, 10_000) || !inRange(kwh, 1_000_000) || !inRange(eur, 100_000_000)) return null;
    return { type, sender, id, ts, v: 1, payload: { cpId, instanceId, sessionId, seq, kw, kwh, eur } };
  }
  const { status, sessionId, outOfService } = p;
  if (status !== 'idle' && status !== 'supplying' && status !== 'faulted') return null;
  if (sessionId !== null && !isUuid(sessionId)) return null;
  if (typeof outOfService !== 'boolean') return null;
  return { type, sender, id, ts, v: 1, payload: { cpId, instanceId, status, sessionId, outOfService } };
}
