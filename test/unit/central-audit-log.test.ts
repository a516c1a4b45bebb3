import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingRecord } from '../../src/bus/bus.js';
import { encodeMessage } from '../../src/protocol/index.js';
import { sealValue, sealKeyFrom } from '../../src/protocol/seal.js';
import { AuditLog } from '../../src/roles/central/audit-log.js';
import { startCentral } from '../../src/roles/central/index.js';
import { FakeCp, CENTRAL_GROUPS } from './fakes.js';
import { flush, testNet } from './helpers.js';

let offset = 0;
const entry = (target: string, at: number, partition = 0): IncomingRecord => {
  const r = encodeMessage('audit.entry', 'cp:CP1', { by: 'cp:CP1', principal: 'cp-CP1', action: 'auth-failure', target, result: 'refused', detail: 'bad-tag' }, at);
  return { ...r, partition, offset: String(offset++), timestamp: at };
};

test('the audit log keeps the most recent entries by their writer\'s clock, newest first, whatever order the partitions come in', () => {
  const log = new AuditLog(3);
  for (const [t, at, p] of [['a', 10, 0], ['d', 40, 1], ['b', 20, 0], ['e', 50, 1], ['c', 30, 0]] as const) log.take(entry(t, at, p));
  assert.deepEqual(log.snapshot().entries.map((e) => e.target), ['e', 'd', 'c']);
  assert.equal(log.snapshot().read, 5);
  // Older than everything kept: counted as read, not shown.
  log.take(entry('old', 1));
  assert.deepEqual(log.snapshot().entries.map((e) => e.target), ['e', 'd', 'c']);
});

test('a record read again (the reader never commits, a rejoin reads from the start) counts once; a signed one is read, garbage is counted', () => {
  const log = new AuditLog();
  const first = entry('x', 100);
  assert.equal(log.take(first), true);
  assert.equal(log.take(first), false);
  const snap = log.snapshot();
  assert.equal(log.snapshot(), snap, 'the same object until something comes');
  const plain = encodeMessage('audit.entry', 'driver:D1', { by: 'driver:D1', principal: null, action: 'auth-failure', target: 'auth-response D1', result: 'refused', detail: 'replay' }, 200);
  const signed = sealValue('audit', plain.key, plain.value!, sealKeyFrom('driver:D1', Buffer.alloc(32, 1)), 1, 200, 'sign');
  log.take({ ...plain, value: signed, partition: 2, offset: '0', timestamp: 200 });
  log.take({ topic: 'audit', key: 'k', value: '{"nonsense":', partition: 2, offset: '1', timestamp: 0 });
  log.take({ topic: 'audit', key: 'k', value: sealValue('audit', 'k', plain.value!, sealKeyFrom('driver:D1', Buffer.alloc(32, 1)), 2, 200, 'encrypt'), partition: 2, offset: '2', timestamp: 0 });
  assert.deepEqual(log.snapshot().entries.map((e) => `${e.by} ${e.detail}`), ['driver:D1 replay', 'cp:CP1 bad-tag']);
  assert.equal(log.snapshot().malformed, 2);
});

test("a standby's store shows the audit trail too: the active central's operator actions", async () => {
  const net = testNet();
  const active = await startCentral({ bus: net.bus, clock: net.clock, groups: { ...CENTRAL_GROUPS, audit: 'central-group-audit-a' }, principal: 'central' });
  const standby = await startCentral({ bus: net.bus, clock: net.clock, groups: { ...CENTRAL_GROUPS, state: 'central-group-state-2', audit: 'central-group-audit-b' } });
  assert.equal(standby.store.getSnapshot().phase, 'standby');
  const cp = new FakeCp(net, 'CP1');
  await cp.register();
  await flush(net);
  await active.stop('CP1');
  await flush(net);
  const shown = standby.store.getSnapshot().audit!.entries.map((e) => [e.by, e.principal, e.action, e.target, e.result]);
  assert.deepEqual(shown, [['central', 'central', 'operator-stop', 'CP1', 'ok']]);
  assert.deepEqual(active.store.getSnapshot().audit!.entries.map((e) => e.action), ['operator-stop']);
  // A central started without the group (headless) does not read the trail.
  const headless = await startCentral({ bus: net.bus, clock: net.clock, groups: { ...CENTRAL_GROUPS, state: 'central-group-state-3' } });
  assert.equal(headless.store.getSnapshot().audit, null);
  await headless.close();
  await standby.close();
  await active.close();
});
