import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accrue, powerAt, type LocalSupply } from '../../src/roles/cp/index.js';
import { cpState, heartbeatStatus, isForInstance, startVerdict, type CpFacts } from '../../src/roles/cp/rules.js';

const idle: CpFacts = { registration: 'registered', faulted: false, outOfService: false, supplying: null };

test('the meter shows registration first, then a fault over a supply, a supply over out-of-service', () => {
  assert.equal(cpState({ ...idle, registration: 'registering', faulted: true }), 'REGISTERING');
  assert.equal(cpState({ ...idle, registration: 'refused', faulted: true }), 'REFUSED');
  assert.equal(cpState({ ...idle, faulted: true, supplying: 's1', outOfService: true }), 'FAULTED');
  assert.equal(cpState({ ...idle, supplying: 's1', outOfService: true }), 'CHARGING');
  assert.equal(cpState({ ...idle, outOfService: true }), 'OUT_OF_SERVICE');
  assert.equal(cpState(idle), 'AVAILABLE');
});

test('a heartbeat says faulted before supplying: central must not read a faulted CP as charging', () => {
  assert.equal(heartbeatStatus({ faulted: true, supplying: 's1' }), 'faulted');
  assert.equal(heartbeatStatus({ faulted: false, supplying: 's1' }), 'supplying');
  assert.equal(heartbeatStatus({ faulted: false, supplying: null }), 'idle');
});

test('a start for the running session is ignored, so a redelivered command does not restart the meter', () => {
  assert.deepEqual(startVerdict({ ...idle, supplying: 's1' }, 's1', false), { kind: 'ignore' });
  // Even while faulted: the first answer stands.
  assert.deepEqual(startVerdict({ ...idle, supplying: 's1', faulted: true }, 's1', false), { kind: 'ignore' });
});

test('a start is refused with the reason central turns into the ticket, in order of precedence', () => {
  assert.deepEqual(startVerdict(idle, 's1', true), { kind: 'refuse', reason: 'stopped', why: 'session already ended' });
  assert.deepEqual(startVerdict({ ...idle, faulted: true }, 's1', false), { kind: 'refuse', reason: 'faulted', why: 'charge point is faulted' });
  assert.deepEqual(startVerdict({ ...idle, faulted: true, outOfService: true }, 's1', false), { kind: 'refuse', reason: 'faulted', why: 'charge point is faulted' });
  assert.deepEqual(startVerdict({ ...idle, outOfService: true, supplying: 's0' }, 's1', false), { kind: 'refuse', reason: 'stopped', why: 'charge point is out of service' });
  assert.deepEqual(startVerdict({ ...idle, supplying: 's0' }, 's1', false), { kind: 'refuse', reason: 'stopped', why: 'already supplying another session' });
});

test('an idle, in-service CP starts a new session', () => {
  assert.deepEqual(startVerdict(idle, 's1', false), { kind: 'start' });
});

test('only messages carrying this process instance id are for it (not an earlier process with the same CP id)', () => {
  assert.equal(isForInstance({ cpId: 'CP1', instanceId: 'a' }, 'a'), true);
  assert.equal(isForInstance({ cpId: 'CP1', instanceId: 'b' }, 'a'), false);
  assert.equal(isForInstance({ cpId: 'CP1' }, 'a'), false);
});

test('power ramps linearly from 0 to max over rampMs and stays there; no ramp means full power at once', () => {
  assert.equal(powerAt(22, -5, 3000), 0);
  assert.equal(powerAt(22, 0, 3000), 0);
  assert.equal(powerAt(22, 1500, 3000), 11);
  assert.equal(powerAt(22, 3000, 3000), 22);
  assert.equal(powerAt(22, 9000, 3000), 22);
  assert.equal(powerAt(22, 0, 0), 22);
});

test('energy accrued in many readings equals one reading over the same time, on the ramp and after it', () => {
  const opts = { maxKw: 22, rampMs: 3000, speed: 1, pricePerKwh: 0.35 };
  const fresh = (): LocalSupply => ({ sessionId: 's', driverId: 'd', startedAt: 0, kw: 0, kwh: 0, eur: 0, seq: -1 });
  const once = fresh();
  accrue(once, 0, 3000, opts);
  accrue(once, 3000, 7000, opts);
  const often = fresh();
  for (let t = 0; t < 7000; t += 500) accrue(often, t, t + 500, opts);
  // 0-3 s at 11 kW on average, then 4 s at 22 kW: 33 + 88 kWs.
  assert.ok(Math.abs(once.kwh - 121 / 3600) < 1e-12, String(once.kwh));
  assert.ok(Math.abs(often.kwh - once.kwh) < 1e-12, `${often.kwh} vs ${once.kwh}`);
  assert.equal(often.kw, 22);
  assert.equal(often.eur, once.eur);
});

test('accruing over no time (or backwards) changes nothing', () => {
  const supply: LocalSupply = { sessionId: 's', driverId: 'd', startedAt: 0, kw: 5, kwh: 1, eur: 0.35, seq: 3 };
  accrue(supply, 1000, 1000, { maxKw: 22, rampMs: 3000, speed: 1, pricePerKwh: 0.35 });
  accrue(supply, 1000, 900, { maxKw: 22, rampMs: 3000, speed: 1, pricePerKwh: 0.35 });
  assert.deepEqual(supply, { sessionId: 's', driverId: 'd', startedAt: 0, kw: 5, kwh: 1, eur: 0.35, seq: 3 });
});
