import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chargeTicket } from '../../src/protocol/index.js';
import { parseServicesFile, runFile, runSingle, startDriver, type RunnerEventKind } from '../../src/roles/driver/index.js';
import type { RoleEvent } from '../../src/roles/shared/index.js';
import { testNet } from './helpers.js';
import { startNetwork, until } from './network.js';

test('single mode with --kwh stops once the energy is reached and returns the ticket', async () => {
  const net = await startNetwork();
  const result = await until(net, runSingle(net.driver, { cpId: 'CP001', stopAtKwh: 0.3, clock: net.clock }));
  assert.equal(result.status, 'completed');
  if (result.status !== 'completed') return;
  assert.ok(result.ticket.kwh >= 0.3, `${result.ticket.kwh} kWh`);
  assert.ok(result.ticket.kwh < 0.4, 'stopped soon after reaching it');
  assert.equal(result.ticket.totalEur, chargeTicket(result.ticket.kwh, 0.35).totalEur);
  assert.equal(result.ticket.reason, 'driver-stop');
  await net.close();
});

test('progress events carry figures as the screens show them: Wh, 0.1 kW, cents (no 0.015455025462962964)', async () => {
  const net = await startNetwork();
  const seen: Record<string, unknown>[] = [];
  net.driver.onEvent((e) => e.kind === 'progress' && seen.push(e.data));
  const result = await until(net, runSingle(net.driver, { cpId: 'CP001', stopAtKwh: 0.05, clock: net.clock }));
  assert.equal(result.status, 'completed');
  assert.ok(seen.length >= 2);
  const decimals = (x: unknown) => (String(x).split('.')[1] ?? '').length;
  for (const p of seen) {
    assert.ok(decimals(p['kwh']) <= 3 && decimals(p['kw']) <= 1 && decimals(p['eur']) <= 2, JSON.stringify(p));
  }
  await net.close();
});

test('single mode: an abort (Ctrl-C) stops the supply cleanly and still waits for the ticket', async () => {
  const net = await startNetwork();
  const abort = new AbortController();
  const pending = runSingle(net.driver, { cpId: 'CP001', signal: abort.signal, clock: net.clock });
  await until(net, new Promise<void>((resolve) => net.driver.onEvent((e) => e.kind === 'progress' && resolve())));
  abort.abort();
  const result = await until(net, pending);
  assert.equal(result.status, 'completed');
  assert.equal(result.status === 'completed' && result.ticket.reason, 'driver-stop');
  await net.close();
});

test('file mode: every service attempted in turn, one denial makes the result a failure, pause respected', async () => {
  const net = await startNetwork(['CP001', 'CP002']);
  const events: RoleEvent<RunnerEventKind>[] = [];
  const result = await until(
    net,
    runFile(net.driver, { cpIds: ['CP001', 'CP404', 'CP002'], pauseMs: 1500, stopAfterMs: 2000, clock: net.clock, onEvent: (e) => events.push(e) }),
  );
  assert.deepEqual(result.results.map((r) => [r.cpId, r.status]), [['CP001', 'completed'], ['CP404', 'denied'], ['CP002', 'completed']]);
  assert.equal(result.results[1]!.status === 'denied' && result.results[1]!.code, 'unknown-cp');
  assert.equal(result.allCompleted, false);
  assert.equal(result.exitCode, 1);
  const ends = events.filter((e) => e.kind === 'service-result').map((e) => e.at);
  const starts = events.filter((e) => e.kind === 'service-start').map((e) => e.at);
  assert.equal(starts.length, 3);
  assert.ok(starts[1]! - ends[0]! >= 1500 && starts[2]! - ends[1]! >= 1500, 'paused between services');
  await net.close();
});

test('file mode with every service completing exits 0', async () => {
  const net = await startNetwork(['CP001']);
  const result = await until(net, runFile(net.driver, { cpIds: ['CP001', 'CP001'], pauseMs: 500, stopAfterMs: 1500, clock: net.clock }));
  assert.deepEqual(result.results.map((r) => r.status), ['completed', 'completed']);
  assert.equal(result.exitCode, 0);
  await net.close();
});

test('no central: the request fails with a clear timeout instead of hanging', async () => {
  const net = testNet();
  const driver = await startDriver({ bus: net.bus, clock: net.clock, groups: { main: 'driver-D1-group', state: 'driver-D1-state' }, id: 'D1', answerTimeoutMs: 4000 });
  const result = await until(net, runSingle(driver, { cpId: 'CP001', clock: net.clock }));
  assert.equal(result.status, 'failed');
  assert.match(result.status === 'failed' ? result.reason : '', /did not answer within 4000 ms/);
  const resent = net.bus.read('auth-request').length;
  assert.ok(resent >= 2, 'the request was re-sent while waiting');
  await driver.close();
});

test('services file: ids one per line, comments and blanks skipped, bad ids reported by line', () => {
  assert.deepEqual(parseServicesFile('CP001\n\n# a comment\nCP002  # trailing\n'), { cpIds: ['CP001', 'CP002'], errors: [] });
  const bad = parseServicesFile('CP001\nbad id\n');
  assert.deepEqual(bad.cpIds, ['CP001']);
  assert.match(bad.errors[0]!, /^line 2: /);
  assert.deepEqual(parseServicesFile('\n').errors, ['the file lists no charge points']);
});
