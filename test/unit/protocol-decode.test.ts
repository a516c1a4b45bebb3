import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { IncomingRecord } from '../../src/bus/bus.js';
import type { TopicKey } from '../../src/bus/topics.js';
import { decodeRecord, encodeMessage, validateId, type DecodeErrorCode } from '../../src/protocol/index.js';

function record(topic: TopicKey, key: string | null, value: string | null): IncomingRecord {
  return { topic, key, value, partition: 0, offset: '0', timestamp: 0 };
}

function envelope(type: string, payload: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type, sender: 'cp:CP001', id: randomUUID(), ts: 1000, v: 1, payload, ...extra });
}

const telemetry = (over: Record<string, unknown> = {}) => ({
  cpId: 'CP001',
  instanceId: randomUUID(),
  sessionId: randomUUID(),
  seq: 3,
  kw: 11,
  kwh: 1.5,
  eur: 0.53,
  ...over,
});

function expectFailure(r: IncomingRecord, code: DecodeErrorCode): string {
  const result = decodeRecord(r);
  assert.equal(result.ok, false, `expected ${code}`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.code, code);
  assert.ok(result.reason.startsWith(code));
  return result.reason;
}

test('a well-formed record decodes to a typed message', () => {
  const payload = telemetry();
  const r = encodeMessage('supply.telemetry', 'cp:CP001', payload, 5000);
  assert.equal(r.topic, 'telemetry');
  assert.equal(r.key, 'CP001');
  const result = decodeRecord(record(r.topic, r.key, r.value));
  assert.ok(result.ok);
  assert.equal(result.message.type, 'supply.telemetry');
  assert.deepEqual(result.message.payload, payload);
  assert.equal(result.message.ts, 5000);
});

test('each kind of malformed record is rejected with its reason', () => {
  expectFailure(record('telemetry', 'CP001', null), 'empty');
  expectFailure(record('telemetry', 'CP001', 'x'.repeat(1024 * 1024)), 'oversize');
  expectFailure(record('telemetry', 'CP001', '{not json'), 'not-json');
  expectFailure(record('telemetry', 'CP001', JSON.stringify({ hello: 1 })), 'bad-envelope');
  expectFailure(record('telemetry', 'CP001', envelope('supply.telemetry', telemetry(), { v: 2 })), 'bad-envelope');
  expectFailure(record('telemetry', 'CP001', envelope('supply.teleportation', {})), 'unknown-type');
  expectFailure(record('health', 'CP001', envelope('supply.telemetry', telemetry())), 'wrong-topic');
  const negative = expectFailure(record('telemetry', 'CP001', envelope('supply.telemetry', telemetry({ kwh: -1 }))), 'bad-payload');
  assert.match(negative, /kwh/);
  // JSON has no NaN: a NaN sent by JSON.stringify arrives as null, a wrong type.
  expectFailure(record('telemetry', 'CP001', envelope('supply.telemetry', telemetry({ kwh: Number.NaN }))), 'bad-payload');
  expectFailure(record('telemetry', 'CP001', envelope('supply.telemetry', telemetry({ kw: '11' }))), 'bad-payload');
  expectFailure(record('telemetry', 'CP001', envelope('supply.telemetry', telemetry({ seq: 1.5 }))), 'bad-payload');
  const mismatch = expectFailure(record('telemetry', 'CP002', envelope('supply.telemetry', telemetry())), 'key-mismatch');
  assert.match(mismatch, /CP001.*CP002/);
  expectFailure(record('telemetry', null, envelope('supply.telemetry', telemetry())), 'key-mismatch');
});

test('a ticket addressed to one driver but carried for another is rejected', () => {
  const ticket = {
    sessionId: randomUUID(), cpId: 'CP001', driverId: 'D2', startedAt: 0, endedAt: 1,
    kwh: 1, pricePerKwh: 0.3, totalEur: 0.3, reason: 'unplugged',
  };
  expectFailure(record('driver-updates', 'D1', envelope('driver.ticket', { driverId: 'D1', ticket })), 'bad-payload');
});

test('validateId accepts 1..64 of [A-Za-z0-9_-] and names the problem otherwise', () => {
  assert.equal(validateId('cp', 'CP001'), null);
  assert.equal(validateId('driver', 'driver_7-b'), null);
  assert.equal(validateId('cp', 'x'.repeat(64)), null);
  assert.match(validateId('cp', '') ?? '', /empty/);
  assert.match(validateId('cp', 'x'.repeat(500)) ?? '', /500 characters/);
  assert.match(validateId('driver', 'has space') ?? '', /driver id "has space"/);
  assert.match(validateId('cp', 'CP#1') ?? '', /letters, digits/);
});
