import { randomUUID } from 'node:crypto';
import type { TopicKey } from '../../src/bus/topics.js';
import { decodeRecord, type DecodeErrorCode } from '../../src/protocol/decode.js';
import type { MessageType } from '../../src/protocol/messages.js';

/**
 * Generators of bad records for the fuzz test: for every topic a role consumes, records that
 * must fail to decode (with the decode error code they must fail with), built from the real
 * message types of that topic and then broken one way or another.
 */

// ocpp-transactions: only gateways read it; test/unit/ocpp-transactions.test.ts gives its reader bad records.
export type ConsumedTopic = Exclude<TopicKey, 'dead-letter' | 'central-lease' | 'audit' | 'ocpp-transactions'>;

export interface BadRecord {
  topic: ConsumedTopic;
  key: string | null;
  /** A Buffer for bytes that are not UTF-8. */
  value: string | Buffer | null;
  /** The decode error every role that reads this record must report. */
  code: DecodeErrorCode;
  /** What was broken, for failure messages. */
  label: string;
}

export const TYPES_BY_TOPIC: Record<ConsumedTopic, MessageType[]> = {
  'cp-register': ['cp.register'],
  'cp-register-ack': ['cp.register-ack'],
  'auth-request': ['driver.request', 'driver.stop'],
  'auth-response': ['auth.response', 'auth.stop-result'],
  'cp-commands': ['cmd.start-supply', 'cmd.stop-supply', 'cmd.set-service'],
  telemetry: ['supply.started', 'supply.telemetry', 'supply.ended'],
  health: ['cp.heartbeat', 'cp.fault', 'cp.recover'],
  'driver-updates': ['driver.supply-started', 'driver.progress', 'driver.ticket'],
  'cp-state': ['cp.state'],
};

/** The payload field that names who the record is about (and must equal the key). */
export function subjectField(type: MessageType): 'cpId' | 'driverId' | 'id' {
  if (type === 'cp.state') return 'id';
  if (type.startsWith('driver.') || type.startsWith('auth.')) return 'driverId';
  return 'cpId';
}

/** A valid payload of `type` about `subject`; every instance and session id is a fresh uuid. */
export function validPayload(type: MessageType, subject: string): Record<string, unknown> {
  const now = Date.now();
  const u = () => randomUUID();
  switch (type) {
    case 'cp.register':
      return { cpId: subject, instanceId: u(), location: 'Fuzz Street', pricePerKwh: 0.3, maxKw: 22 };
    case 'cp.register-ack':
      return { cpId: subject, instanceId: u(), accepted: true };
    case 'driver.request':
      return { requestId: u(), driverId: subject, cpId: 'CPA' };
    case 'driver.stop':
      return { requestId: u(), driverId: subject, sessionId: u() };
    case 'auth.response':
      return { requestId: u(), driverId: subject, cpId: 'CPA', granted: true, sessionId: u() };
    case 'auth.stop-result':
      return { requestId: u(), driverId: subject, ok: true, sessionId: u(), reason: 'stopping' };
    case 'cmd.start-supply':
      return { cpId: subject, instanceId: u(), sessionId: u(), driverId: 'D1' };
    case 'cmd.stop-supply':
      return { cpId: subject, instanceId: u(), sessionId: u() };
    case 'cmd.set-service':
      return { cpId: subject, instanceId: u(), inService: false };
    case 'supply.started':
      return { cpId: subject, instanceId: u(), sessionId: u(), driverId: 'D1', startedAt: now };
    case 'supply.telemetry':
      return { cpId: subject, instanceId: u(), sessionId: u(), seq: 1, kw: 22, kwh: 0.5, eur: 0.2 };
    case 'supply.ended':
      return { cpId: subject, instanceId: u(), sessionId: u(), seq: 2, kwh: 0.5, reason: 'unplugged', endedAt: now };
    case 'cp.heartbeat':
      return { cpId: subject, instanceId: u(), status: 'idle', sessionId: null, outOfService: false };
    case 'cp.fault':
      return { cpId: subject, instanceId: u(), detail: 'fuzz' };
    case 'cp.recover':
      return { cpId: subject, instanceId: u() };
    case 'driver.supply-started':
      return { driverId: subject, sessionId: u(), cpId: 'CPA', startedAt: now, pricePerKwh: 0.3 };
    case 'driver.progress':
      return { driverId: subject, sessionId: u(), cpId: 'CPA', seq: 1, kw: 22, kwh: 0.5, eur: 0.2 };
    case 'driver.ticket':
      return {
        driverId: subject,
        ticket: { sessionId: u(), cpId: 'CPA', driverId: subject, startedAt: now - 1000, endedAt: now, kwh: 0.5, pricePerKwh: 0.3, totalEur: 0.15, reason: 'driver-stop' },
      };
    case 'cp.state':
      return {
        id: subject,
        location: 'Fuzz Street',
        pricePerKwh: 0.3,
        maxKw: 22,
        instanceId: u(),
        state: 'AVAILABLE',
        connected: true,
        outOfService: false,
        faulted: false,
        registeredAt: now,
        lastHeartbeatAt: now,
        supply: null,
        recentSessions: [],
        totals: { sessions: 0, kwh: 0, eur: 0 },
      };
    default:
      throw new Error(`no payload template for ${type}`);
  }
}

export function envelope(type: string, payload: unknown, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { type, sender: 'fuzz', id: randomUUID(), ts: Date.now(), v: 1, payload, ...over };
}

/** JSON with raw tokens JSON.stringify cannot write (1e999, -1e999). */
const INF = '\u0000INF\u0000';
const NINF = '\u0000NINF\u0000';
const DEEP = '\u0000DEEP\u0000';
const RAW = { inf: JSON.stringify(INF), ninf: JSON.stringify(NINF), deep: JSON.stringify(DEEP) };
/** 20,000 nested arrays: JSON.parse takes them, JSON.stringify could not write them. */
const DEEP_TEXT = '['.repeat(20_000) + ']'.repeat(20_000);
function json(value: unknown): string {
  return JSON.stringify(value).replaceAll(RAW.inf, '1e999').replaceAll(RAW.ninf, '-1e999').replace(RAW.deep, DEEP_TEXT);
}

/** Numeric fields of each payload, with whether they must be integers. */
const NUMERIC: Partial<Record<MessageType, [string, 'int' | 'num'][]>> = {
  'cp.register': [['pricePerKwh', 'num'], ['maxKw', 'num']],
  'supply.started': [['startedAt', 'int']],
  'supply.telemetry': [['seq', 'int'], ['kw', 'num'], ['kwh', 'num'], ['eur', 'num']],
  'supply.ended': [['seq', 'int'], ['kwh', 'num'], ['endedAt', 'int']],
  'driver.supply-started': [['startedAt', 'int'], ['pricePerKwh', 'num']],
  'driver.progress': [['seq', 'int'], ['kw', 'num'], ['kwh', 'num'], ['eur', 'num']],
  'cp.state': [['pricePerKwh', 'num'], ['maxKw', 'num'], ['registeredAt', 'int']],
};

const BAD_NUMBERS: { label: string; value: unknown; only?: 'int' | 'num' }[] = [
  { label: 'negative', value: -1 },
  { label: '"NaN" string', value: 'NaN' },
  { label: 'Infinity (1e999)', value: INF },
  { label: '-Infinity', value: NINF },
  { label: 'absurdly large', value: 1e15, only: 'num' },
  { label: 'numeric string', value: '22' },
  { label: 'null', value: null },
  { label: 'fraction for an integer', value: 1.5, only: 'int' },
  { label: 'unsafe integer', value: 2 ** 60, only: 'int' },
];

const BAD_IDS = ['has space', 'x'.repeat(500), '', 'ünïcödé', '../../etc/passwd', 'a#b', '<script>'];
const WRONG_TYPES: unknown[] = [{}, [], true, 12345, 'text', null];

/** A payload whose first uuid field (or the ticket's session) is not a uuid. */
function badUuid(type: MessageType, subject: string): Record<string, unknown> {
  const p = validPayload(type, subject);
  if (type === 'driver.ticket') (p['ticket'] as Record<string, unknown>)['sessionId'] = 'not-a-uuid';
  else p[['instanceId', 'requestId', 'sessionId'].find((f) => f in p)!] = 'not-a-uuid';
  return p;
}

/** Kinds of breakage; `key-mismatch` needs a key that differs from the subject. */
export const KINDS = [
  'not-json',
  'empty',
  'bad-envelope',
  'unknown-type',
  'wrong-topic',
  'bad-payload-number',
  'bad-payload-id',
  'bad-payload-type',
  'bad-payload-missing',
  'bad-payload-shape',
  'key-mismatch',
  'oversize',
] as const;
export type Kind = (typeof KINDS)[number];

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

const NOT_JSON: (string | Buffer)[] = [
  'not json at all',
  '{',
  '{"type":',
  '{type: "cp.register"}',
  '{"a":1,}',
  "{'single':'quotes'}",
  'NaN',
  'Infinity',
  'undefined',
  '<xml>cp.register</xml>',
  '\uFEFF{"type":"cp.register"}',
  '\u0000\u0001\u0002',
  '['.repeat(30_000),
  '"unterminated',
  Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x80, 0xc3]),
  '{"type":"cp.heartbeat","payload":{}}}',
];

/**
 * One malformed record of `kind` on `topic`, about `subject` and keyed by `key` (the subject
 * when null is not wanted). `i` varies the variant.
 */
export function malformed(topic: ConsumedTopic, kind: Kind, subject: string, key: string | null, i: number): BadRecord {
  const types = TYPES_BY_TOPIC[topic];
  const type = pick(types, i);
  const field = subjectField(type);
  const rec = (value: string | Buffer | null, code: DecodeErrorCode, label: string, k: string | null = key): BadRecord => ({
    topic,
    key: k,
    value,
    code,
    label: `${topic} ${kind}: ${label}`,
  });
  switch (kind) {
    case 'not-json': {
      const v = pick(NOT_JSON, i);
      return rec(v, 'not-json', typeof v === 'string' ? JSON.stringify(v.slice(0, 30)) : 'bytes that are not UTF-8');
    }
    case 'empty':
      // On cp-state a null value under a CP id is a real tombstone (the operator forgot that CP),
      // not junk: only the empty value is malformed there.
      if (topic === 'cp-state') return rec('', 'empty', 'empty value');
      return rec(i % 2 === 0 ? '' : null, 'empty', i % 2 === 0 ? 'empty value' : 'null value (tombstone)');
    case 'bad-envelope': {
      const p = validPayload(type, subject);
      const variants: [string, unknown][] = [
        ['null', null],
        ['a number', 42],
        ['a string', 'cp.register'],
        ['an array', [envelope(type, p)]],
        ['no id', { ...envelope(type, p), id: undefined }],
        ['id not a uuid', envelope(type, p, { id: 'not-a-uuid' })],
        ['negative ts', envelope(type, p, { ts: -1 })],
        ['ts as string', envelope(type, p, { ts: 'now' })],
        ['ts fraction', envelope(type, p, { ts: 1.5 })],
        ['v 2', envelope(type, p, { v: 2 })],
        ['v "1"', envelope(type, p, { v: '1' })],
        ['empty type', envelope('', p)],
        ['type too long', envelope('t'.repeat(65), p)],
        ['type a number', envelope(type, p, { type: 7 })],
        ['empty sender', envelope(type, p, { sender: '' })],
        ['no payload', { ...envelope(type, p), payload: undefined }],
        ['ts Infinity', envelope(type, p, { ts: INF })],
      ];
      const [label, v] = pick(variants, i);
      return rec(json(v), 'bad-envelope', label);
    }
    case 'unknown-type': {
      const names = ['cp.explode', '__proto__', 'constructor', 'hasOwnProperty', 'toString', type.toUpperCase(), `${type} `, 'dead-letter-x'];
      const name = pick(names, i);
      return rec(json(envelope(name, validPayload(type, subject))), 'unknown-type', JSON.stringify(name));
    }
    case 'wrong-topic': {
      const others = (Object.keys(TYPES_BY_TOPIC) as ConsumedTopic[]).filter((t) => t !== topic).flatMap((t) => TYPES_BY_TOPIC[t]);
      const other = pick(others, i);
      return rec(json(envelope(other, validPayload(other, subject))), 'wrong-topic', `${other} on ${topic}`);
    }
    case 'bad-payload-number': {
      const candidates = (NUMERIC[type] ?? []).flatMap(([f, kindOf]) =>
        BAD_NUMBERS.filter((b) => !b.only || b.only === kindOf).map((b) => ({ f, b })),
      );
      if (candidates.length === 0) return malformed(topic, 'bad-payload-type', subject, key, i);
      const { f, b } = pick(candidates, i);
      const p = validPayload(type, subject);
      p[f] = b.value;
      return rec(json(envelope(type, p)), 'bad-payload', `${type}.${f} ${b.label}`);
    }
    case 'bad-payload-id': {
      const bad = pick(BAD_IDS, i);
      const p = validPayload(type, bad);
      if (type === 'driver.ticket') (p['ticket'] as Record<string, unknown>)['driverId'] = bad;
      return rec(json(envelope(type, p)), 'bad-payload', `${type}.${field} ${JSON.stringify(bad.slice(0, 20))}`);
    }
    case 'bad-payload-type': {
      const p = validPayload(type, subject);
      const fields = Object.keys(p);
      const f = pick(fields, Math.floor(i / WRONG_TYPES.length));
      const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
      // Always a value of another JSON type than the field's (null is fine for a heartbeat's sessionId).
      const choices = WRONG_TYPES.filter((w) => kindOf(w) !== kindOf(p[f]) && !(w === null && f === 'sessionId'));
      const wrong = pick(choices, i);
      p[f] = wrong;
      return rec(json(envelope(type, p)), 'bad-payload', `${type}.${f} = ${JSON.stringify(wrong)}`);
    }
    case 'bad-payload-missing': {
      const p = validPayload(type, subject);
      const required = Object.keys(p).filter((f) => !((type === 'driver.stop' || type === 'auth.stop-result') && f === 'sessionId'));
      const f = pick(required, i);
      delete p[f];
      return rec(json(envelope(type, p)), 'bad-payload', `${type} without ${f}`);
    }
    case 'bad-payload-shape': {
      const shapes: [string, unknown][] = [
        ['null payload', null],
        ['array payload', []],
        ['string payload', 'payload'],
        ['number payload', 1],
        ['20,000 nested arrays as payload', DEEP],
        ['uuid not a uuid', badUuid(type, subject)],
      ];
      if (type === 'driver.ticket') {
        const p = validPayload(type, subject);
        (p['ticket'] as Record<string, unknown>)['driverId'] = 'SOMEONE_ELSE';
        shapes.push(['ticket for another driver', p]);
      }
      if (type === 'cp.heartbeat') shapes.push(['unknown status', { ...validPayload(type, subject), status: 'exploding' }]);
      if (type === 'supply.ended') shapes.push(['unknown reason', { ...validPayload(type, subject), reason: 'meteor' }]);
      if (type === 'cp.state') shapes.push(['unknown state', { ...validPayload(type, subject), state: 'ON_FIRE' }]);
      const [label, payload] = pick(shapes, i);
      return rec(json(envelope(type, payload)), 'bad-payload', label);
    }
    case 'key-mismatch': {
      // The payload speaks for someone else than the key: another id, or an id the key only resembles.
      const others = [`${subject}X`, 'GHOST', subject.toLowerCase() === subject ? subject.toUpperCase() : subject.toLowerCase()];
      const other = pick(others, i);
      const p = validPayload(type, other);
      return rec(json(envelope(type, p)), 'key-mismatch', `${type} for ${other} keyed by ${key === null ? '(none)' : key.slice(0, 20)}`);
    }
    case 'oversize': {
      // Over the 64 KiB a role reads: a long location, a padded value, a huge string.
      const p = validPayload(type, subject);
      const big = 'x'.repeat(70_000 + (i % 7) * 1000);
      const variants: [string, string][] = [
        ['70 KB padding field', json(envelope(type, { ...p, padding: big }))],
        ['70 KB of not-JSON', big],
        ['70 KB sender', json(envelope(type, p, { sender: big }))],
      ];
      const [label, v] = pick(variants, i);
      return rec(v, 'oversize', label);
    }
  }
}

/** A record just under the broker's 1 MiB batch limit (~1 MB), with the decode code it must get. */
export function hugeRecord(topic: ConsumedTopic, subject: string, key: string | null, bytes: number): BadRecord {
  const type = TYPES_BY_TOPIC[topic][0]!;
  const head = json(envelope(type, { ...validPayload(type, subject), padding: '' }));
  const value = head.replace('"padding":""', `"padding":"${'y'.repeat(Math.max(0, bytes - head.length))}"`);
  return { topic, key, value, code: 'oversize', label: `${topic} huge value (${value.length} bytes)` };
}

/** Checks that a generated record really fails to decode with its code (catches generator mistakes). */
export function selfCheck(record: BadRecord): string | null {
  const value = record.value === null ? null : Buffer.isBuffer(record.value) ? record.value.toString() : record.value;
  const result = decodeRecord({ topic: record.topic, key: record.key, value, partition: 0, offset: '0', timestamp: 0 });
  if (result.ok) return `${record.label}: decodes fine (${result.message.type})`;
  if (result.code !== record.code) return `${record.label}: expected ${record.code}, got ${result.reason}`;
  return null;
}

/** The serialized size the producer sends for the record (key + value), for chunking sends. */
export function sizeOf(record: { key: string | null; value: string | Buffer | null }): number {
  const v = record.value === null ? 0 : Buffer.byteLength(record.value);
  return v + (record.key === null ? 0 : Buffer.byteLength(record.key)) + 64;
}
