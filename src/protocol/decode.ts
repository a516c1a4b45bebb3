import type { IncomingRecord } from '../bus/bus.js';
import { EnvelopeSchema } from './envelope.js';
import { hotDecode } from './hot-decode.js';
import { isMessageType, MESSAGES, type Message } from './messages.js';

/** Records bigger than this are rejected before parsing (a CP record is a few hundred bytes). */
export const MAX_RECORD_BYTES = 64 * 1024;

export type DecodeErrorCode =
  | 'empty'
  | 'oversize'
  | 'not-json'
  | 'bad-envelope'
  | 'unknown-type'
  | 'wrong-topic'
  | 'bad-payload'
  | 'key-mismatch';

export type DecodeResult =
  | { ok: true; message: Message }
  | { ok: false; code: DecodeErrorCode; reason: string };

function fail(code: DecodeErrorCode, reason: string): DecodeResult {
  return { ok: false, code, reason: `${code}: ${reason}` };
}

function describe(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (!first) return 'invalid';
  const where = first.path.length > 0 ? first.path.map(String).join('.') : '(root)';
  return `${where}: ${first.message}`;
}

/** Turns one record into a typed message, or says exactly why it cannot. Never throws. */
export function decodeRecord(record: IncomingRecord): DecodeResult {
  return decodeWith(record, true);
}

/** The same through the schemas alone, without the hot path (for the tests that hold the two together). */
export function decodeBySchemas(record: IncomingRecord): DecodeResult {
  return decodeWith(record, false);
}

function decodeWith(record: IncomingRecord, hot: boolean): DecodeResult {
  const value = record.value;
  if (value === null || value.length === 0) return fail('empty', 'record has no value');
  if (value.length > MAX_RECORD_BYTES) {
    return fail('oversize', `${value.length} characters (limit ${MAX_RECORD_BYTES})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return fail('not-json', 'value is not valid JSON');
  }
  if (hot) {
    const message = hotDecode(json, record.topic, record.key);
    if (message) return { ok: true, message };
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) return fail('bad-envelope', describe(envelope.error.issues));
  const { type } = envelope.data;
  if (!isMessageType(type)) return fail('unknown-type', `"${type.slice(0, 64)}"`);
  const def = MESSAGES[type];
  if (def.topic !== record.topic) {
    return fail('wrong-topic', `${type} does not belong on ${record.topic}`);
  }
  const payload = def.schema.safeParse(envelope.data.payload);
  if (!payload.success) return fail('bad-payload', `${type} ${describe(payload.error.issues)}`);
  const expectedKey = (def.key as (p: unknown) => string | null)(payload.data);
  if (expectedKey !== null && record.key !== expectedKey) {
    return fail('key-mismatch', `${type} for "${expectedKey}" keyed by "${record.key ?? '(none)'}"`);
  }
  return { ok: true, message: { ...envelope.data, type, payload: payload.data } as Message };
}
