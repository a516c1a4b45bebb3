import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';
import { TestNetwork } from '../helpers/role-process.js';

test('evcharge demo --no-tui runs the whole network on the embedded bus, with no Kafka at all', async () => {
  // Pointing the brokers nowhere proves the demo does not touch Kafka. Drivers wait up to 5 s and
  // charge up to 20 s, so 27 s always holds at least one whole supply.
  const r = await runCli(['demo', '--no-tui', '--json', '--seconds', '27'], { env: { EVCHARGE_BROKERS: '127.0.0.1:1' }, timeoutMs: 50000 });
  assert.equal(r.code, 0, r.stderr);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(events.filter((e) => e['kind'] === 'cp-registered').length, 12);
  assert.ok(events.filter((e) => e['kind'] === 'auth-granted').length >= 4, 'every driver got a grant');
  const ended = events.filter((e) => e['kind'] === 'supply-ended');
  assert.ok(ended.length >= 1, 'at least one supply ended with a ticket');
  for (const t of ended) {
    assert.ok(Number(t['kwh']) > 0);
    assert.equal(Math.round(Number(t['totalEur']) * 100), Math.round(Number(t['kwh']) * Number(t['pricePerKwh']) * 100));
  }
});

test('evcharge demo --kafka runs the same network over the configured Kafka', async () => {
  const net = new TestNetwork();
  const r = await runCli(['demo', '--kafka', '--no-tui', '--json', '--seconds', '12', '--config', net.configPath], { timeoutMs: 60000 });
  assert.equal(r.code, 0, r.stderr);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(events.some((e) => e['kind'] === 'kafka-connected'), 'it connected to Kafka');
  const registered = events.filter((e) => e['kind'] === 'cp-registered').map((e) => String(e['cpId']));
  assert.equal(registered.length, 12);
  assert.ok(registered.every((id) => /^DEMO-CP\d{3}$/.test(id)), `on a shared cluster the demo's ids carry its prefix: ${registered.join(',')}`);
  assert.ok(events.filter((e) => e['kind'] === 'auth-granted').length >= 1, 'drivers were granted supplies over Kafka');
  assert.match(String(events.at(-1)?.['text']), /stay on the network as DISCONNECTED; to remove them, type "forget DEMO-\*" at central/);
});

test('demo --kafka beside a real network: the real central serves it once, real ids are untouched, a second demo with the same prefix exits 2', async () => {
  const net = new TestNetwork({ heartbeatTimeoutMs: 2000 });
  try {
    const central = net.central();
    await central.waitForKind('serving');
    net.cp('CP001');
    await central.waitForKind('cp-registered', { cpId: 'CP001' });

    const demo = runCli(['demo', '--kafka', '--no-tui', '--json', '--seconds', '25', '--config', net.configPath], { timeoutMs: 90000 });
    await central.waitForKind('cp-registered', { cpId: 'DEMO-CP012' }, 60000);
    const second = await runCli(['demo', '--kafka', '--no-tui', '--json', '--seconds', '20', '--config', net.configPath], { timeoutMs: 60000 });
    assert.equal(second.code, 2, second.stdout + second.stderr);
    assert.match(second.stderr, /^evcharge demo: DEMO-CP\d{3} is in use on this cluster by another running process \(another demo\?\); start this one with --id-prefix/m);

    const first = await demo;
    assert.equal(first.code, 0, first.stderr);
    const demoEvents = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(demoEvents.some((e) => e['kind'] === 'standby'), "the demo's central joined the network's election as a standby");
    assert.equal(demoEvents.filter((e) => e['kind'] === 'auth-granted').length, 0, "the standby answered nothing");

    const grants = central.events.filter((e) => e['kind'] === 'auth-granted');
    assert.ok(grants.length >= 1, 'the real central granted the demo drivers');
    assert.ok(grants.every((e) => String(e['cpId']).startsWith('DEMO-CP') && String(e['driverId']).startsWith('DEMO-DRIVER')), 'demo drivers charge at demo CPs only');
    const requestIds = grants.map((e) => String(e['requestId']));
    assert.equal(new Set(requestIds).size, requestIds.length, 'each request granted once');
    assert.equal(central.count('cp-register-refused', { cpId: 'CP001' }), 0, 'the real CP001 kept its id');

    // What the demo leaves behind goes with one confirmed command.
    await central.waitForKind('cp-disconnected', { cpId: 'DEMO-CP012' }, 30000);
    await central.waitFor(() => central.count('cp-disconnected') >= 12, 'all 12 demo CPs DISCONNECTED', 30000);
    assert.equal(await central.ask('forget DEMO-* yes', (t) => t.startsWith('forgot'), 'the forget'), 'forgot 12 charge points: DEMO-CP001, DEMO-CP002, DEMO-CP003, DEMO-CP004, DEMO-CP005 and 7 more');
    const status = await central.ask('status', (t) => /^CP001\s/m.test(t), 'status');
    assert.doesNotMatch(status, /DEMO-/);
  } finally {
    await net.stopAll();
  }
});
