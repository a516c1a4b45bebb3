import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RoleProcess, TestNetwork } from '../helpers/role-process.js';
import { runCli } from '../helpers/run-cli.js';

// The simulator on a network whose records are encrypted (issue 12's benchmark runs it so): every
// simulated CP and driver seals with its own credential, and central accepts them as real ones.
const net = new TestNetwork({ heartbeatTimeoutMs: 3000, records: 'encrypt' });
let central: RoleProcess;
const registryFile = () => path.join(net.dir, 'evcharge-registry.json');
after(() => net.stopAll());

before(async () => {
  // The registry must exist before central starts: one real CP makes it.
  const r = await runCli(['registry', 'add', 'cp', 'REAL1', '--config', net.configPath], { env: { EVCHARGE_BROKERS: undefined } });
  assert.equal(r.code, 0, r.stderr);
  central = net.central();
  await central.waitForKind('serving', {}, 60000);
});

test('sim without credentials stops before it writes anything, naming the first missing one and --enroll', async () => {
  const r = await runCli(['sim', '--config', net.configPath, '--cps', '2', '--drivers', '1', '--duration', '3', '--id-prefix', 'NOC', '--json'], { timeoutMs: 30000 });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /cp NOCCP00001 needs its credential at .*credentials\/cp-NOCCP00001\.json/);
  assert.match(r.stderr, /sim --enroll adds every simulated CP and driver/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(central.events.filter((e) => String(e['cpId'] ?? '').startsWith('NOC')).length, 0, 'central heard nothing from it');
});

test('sim --enroll: the players join the registry, seal what they write, and central serves them with no refusal', async () => {
  const r = await runCli(
    ['sim', '--config', net.configPath, '--enroll', '--cps', '3', '--drivers', '2', '--duration', '6', '--supply-seconds', '1', '--pause-seconds', '0.2', '--report-every', '0', '--json'],
    { timeoutMs: 90000 },
  );
  const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const enrolled = events.find((e) => e['kind'] === 'sim-enrolled');
  assert.equal(enrolled?.['enrolled'], 5, r.stdout);
  const summary = events.find((e) => e['kind'] === 'sim-summary') as { registered: number; suppliesCompleted: number; timeouts: number; errors: Record<string, number> };
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(summary.registered, 3);
  assert.ok(summary.suppliesCompleted >= 2, `supplies completed: ${summary.suppliesCompleted}`);
  assert.equal(summary.timeouts, 0);
  assert.equal(summary.errors.malformed, 0);

  const ids = (JSON.parse(readFileSync(registryFile(), 'utf8')) as { identities: { kind: string; id: string }[] }).identities.map((i) => `${i.kind} ${i.id}`);
  assert.deepEqual(ids.sort(), ['cp REAL1', 'cp SIMCP00001', 'cp SIMCP00002', 'cp SIMCP00003', 'driver SIMD00001', 'driver SIMD00002']);
  // Central applied them: tickets for the simulated drivers, nothing refused or dead-lettered.
  await central.waitForKind('supply-ended', {}, 20000);
  assert.equal(central.events.filter((e) => e.kind === 'malformed').length, 0, JSON.stringify(central.events.filter((e) => e.kind === 'malformed').slice(0, 3)));

  // A second run finds them enrolled: nothing added, and it serves again (once central has seen
  // the first run's CPs go silent: until then their ids are taken).
  for (const id of ['SIMCP00001', 'SIMCP00002', 'SIMCP00003']) await central.waitForKind('cp-disconnected', { cpId: id }, 20000);
  const again = await runCli(['sim', '--config', net.configPath, '--enroll', '--cps', '3', '--drivers', '2', '--duration', '3', '--supply-seconds', '1', '--report-every', '0', '--json'], { timeoutMs: 90000 });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.ok(!again.stdout.includes('"sim-enrolled"'), 'nothing new to enroll');
});
