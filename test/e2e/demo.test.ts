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
  assert.equal(events.filter((e) => e['kind'] === 'cp-registered').length, 12);
  assert.ok(events.filter((e) => e['kind'] === 'auth-granted').length >= 1, 'drivers were granted supplies over Kafka');
});
