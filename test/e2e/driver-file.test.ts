import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork } from '../helpers/role-process.js';

const net = new TestNetwork();
after(() => net.stopAll());

test('a driver file of three services, one denied: all three attempted, exit 1, pause respected', async () => {
  const central = net.central();
  await central.waitForKind('kafka-connected');
  for (const id of ['CPF1', 'CPF2']) {
    net.cp(id, ['--speed', '60']);
    await central.waitForKind('cp-registered', { cpId: id });
  }
  const file = net.file('services.txt', '# tonight\nCPF1\nNOWHERE\n\nCPF2\n');
  const driver = net.driver('DF', ['--file', file, '--kwh', '0.2', '--pause', '1.5']);
  const { code } = await driver.exited;
  assert.equal(code, 1, driver.stderr);

  const results = driver.events.filter((e) => e.kind === 'service-result');
  assert.deepEqual(
    results.map((e) => [e['cpId'], e['status']]),
    [
      ['CPF1', 'completed'],
      ['NOWHERE', 'denied'],
      ['CPF2', 'completed'],
    ],
  );
  assert.equal(results[1]!['code'], 'unknown-cp');
  assert.equal(driver.count('ticket'), 2);

  const starts = driver.events.filter((e) => e.kind === 'service-start');
  assert.equal(starts.length, 3);
  for (let i = 0; i < 2; i++) {
    const gap = starts[i + 1]!.at - results[i]!.at;
    // The two events are stamped a moment apart from the pause's own timer: a few ms of slack.
    assert.ok(gap >= 1450, `pause before service ${i + 2} was ${gap} ms`);
  }
  const done = driver.events.find((e) => e.kind === 'run-done')!;
  assert.deepEqual([done['completed'], done['total'], done['allCompleted']], [2, 3, false]);
});

test('a file whose services all complete exits 0', async () => {
  const file = net.file('one.txt', 'CPF1\n');
  const driver = net.driver('DG', ['--file', file, '--kwh', '0.1', '--pause', '0']);
  const { code } = await driver.exited;
  assert.equal(code, 0, driver.stderr);
  assert.equal(driver.count('ticket'), 1);
});
