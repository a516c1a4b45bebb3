import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DENIAL_TEXT } from '../../src/protocol/index.js';
import { flush, run, sent, testNet } from './helpers.js';
import { FakeCp, FakeDriver, runWithHeartbeats, startTestCentral, stateOf } from './fakes.js';

test('registration is acknowledged and published on cp-state as AVAILABLE', async () => {
  const net = testNet();
  const central = await startTestCentral(net);
  const cp = new FakeCp(net, 'CP001', 0.35);
  await cp.register();
  await flush(net);
  const acks = sent(net, 'cp-register-ack', 'cp.register-ack');
  assert.equal(acks.length, 1);
  assert.deepEqual(acks[0]!.payload, { cpId: 'CP001', instanceId: cp.instanceId, accepted: true });
  const view = stateOf(central, 'CP001');
  assert.equal(view?.state, 'AVAILABLE');
  assert.equal(view?.pricePerKwh, 0.35);
  const states = sent(net, 'cp-state', 'cp.state').filter((m) => m.payload.id === 'CP001');
  assert.equal(states.at(-1)?.payload.state, 'AVAILABLE');
  await central.close();
});

test('every denial reason, each with its code and text', async () => {
  const net = testNet();
  const central = await startTestCentral(net);
  const cps = ['CP1', 'CP2', 'CP3', 'CP4', 'CP5'].map((id) => new FakeCp(net, id));
  for (const cp of cps) await cp.register();
  const [cp1, cp2, cp3, cp4, cp5] = cps as [FakeCp, FakeCp, FakeCp, FakeCp, FakeCp];
  const d1 = new FakeDriver(net, 'D1');
  const d2 = new FakeDriver(net, 'D2');
  await flush(net);

  const granted = await d1.request('CP1');
  await flush(net);
  assert.equal(d1.answer(granted).granted, true);

  // CP5 never heartbeats; the others keep heartbeating. A CP just registered gets one more
  // timeout for its first heartbeat (it waits for its acknowledgement): DISCONNECTED after 6 s.
  await runWithHeartbeats(net, 5000, [cp1, cp2, cp3, cp4]);
  assert.equal(stateOf(central, 'CP5')?.state, 'AVAILABLE', 'still within its first-heartbeat grace');
  await runWithHeartbeats(net, 2000, [cp1, cp2, cp3, cp4]);
  assert.equal(stateOf(central, 'CP5')?.state, 'DISCONNECTED');
  await central.stop('CP3');
  await cp4.fault();
  await flush(net);

  const cases: [FakeDriver, string, string][] = [
    [d2, 'CP999', 'unknown-cp'],
    [d2, 'CP1', 'cp-busy'],
    [d1, 'CP2', 'driver-already-charging'],
    [d2, 'CP3', 'cp-out-of-service'],
    [d2, 'CP4', 'cp-faulted'],
    [d2, 'CP5', 'cp-disconnected'],
  ];
  for (const [driver, cpId, code] of cases) {
    const id = await driver.request(cpId);
    await flush(net);
    const answer = driver.answer(id);
    assert.equal(answer.granted, false, `${cpId} should be denied`);
    if (answer.granted) continue;
    assert.equal(answer.code, code);
    assert.equal(answer.reason, DENIAL_TEXT[answer.code as keyof typeof DENIAL_TEXT]);
  }
  const stale = await d2.request('CP2', undefined, net.clock.now() - 60_000);
  await flush(net);
  assert.equal(d2.answer(stale).granted === false && (d2.answer(stale) as { code: string }).code, 'request-expired');
  assert.equal(cp2.commands().length, 0, 'no supply was started anywhere but CP1');
  await central.close();
});

test('a duplicate request id gets the same answer and no second session', async () => {
  const net = testNet();
  const central = await startTestCentral(net);
  const cp = new FakeCp(net, 'CP1');
  await cp.register();
  const d = new FakeDriver(net, 'D1');
  await flush(net);
  const id = await d.request('CP1');
  await flush(net);
  await d.request('CP1', id); // redelivered / re-sent
  await flush(net);
  const answers = d.answers(id);
  assert.equal(answers.length, 2);
  assert.deepEqual(answers[0]!.payload, answers[1]!.payload);
  assert.equal(answers[0]!.payload.granted, true);
  assert.equal(sent(net, 'cp-commands', 'cmd.start-supply').length, 1);
  // A denial is repeated identically too.
  const other = new FakeDriver(net, 'D2');
  const denied = await other.request('CP1');
  await flush(net);
  await other.request('CP1', denied);
  await flush(net);
  assert.deepEqual(other.answers(denied).map((a) => a.payload), [other.answer(denied), other.answer(denied)]);
  await central.close();
});

test('a driver cannot stop another driver\'s supply', async () => {
  const net = testNet();
  const central = await startTestCentral(net);
  const cp = new FakeCp(net, 'CP1');
  await cp.register();
  const d1 = new FakeDriver(net, 'D1');
  const d2 = new FakeDriver(net, 'D2');
  await flush(net);
  const answer = d1.answer(await d1.request('CP1').then(async (id) => (await flush(net), id)));
  assert.ok(answer.granted);
  const stopId = await d2.stop(answer.sessionId);
  await flush(net);
  const result = sent(net, 'auth-response', 'auth.stop-result').find((m) => m.payload.requestId === stopId);
  assert.equal(result?.payload.ok, false);
  assert.equal(sent(net, 'cp-commands', 'cmd.stop-supply').length, 0);
  assert.equal(stateOf(central, 'CP1')?.state, 'CHARGING');
  await central.close();
});

test('malformed records are counted, copied to dead-letter with the reason, and do not stop central', async () => {
  const net = testNet();
  const central = await startTestCentral(net);
  const kinds: string[] = [];
  central.onEvent((e) => kinds.push(e.kind));
  await net.bus.publish([
    { topic: 'auth-request', key: 'D1', value: 'not json' },
    { topic: 'telemetry', key: 'CP1', value: JSON.stringify({ type: 'x' }) },
  ]);
  const cp = new FakeCp(net, 'CP1');
  await cp.register();
  await flush(net);
  assert.equal(central.counters().malformed, 2);
  const dead = sent(net, 'dead-letter', 'dead-letter');
  assert.equal(dead.length, 2);
  assert.match(dead[0]!.payload.reason, /^not-json/);
  assert.equal(dead[0]!.payload.value, 'not json');
  assert.equal(kinds.filter((k) => k === 'malformed').length, 2);
  assert.equal(stateOf(central, 'CP1')?.state, 'AVAILABLE');
  await run(net, 100);
  await central.close();
});
