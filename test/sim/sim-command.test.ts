import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { isolatedConfigYaml, uniqueTag } from '../helpers/kafka-env.js';
import { REPO, runCli } from '../helpers/run-cli.js';

type Json = Record<string, unknown> & { kind: string };
const lines = (stdout: string): Json[] =>
  stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Json);

function checkSummary(events: Json[], cps: number): Json {
  const summary = events.find((e) => e.kind === 'sim-summary');
  assert.ok(summary, `no summary in ${events.map((e) => e.kind).join(', ')}`);
  assert.equal(summary['registered'], cps);
  assert.ok((summary['suppliesCompleted'] as number) > 0, 'some supplies completed');
  assert.equal(summary['suppliesFailed'], 0);
  assert.equal(summary['timeouts'], 0);
  const errors = summary['errors'] as Record<string, unknown>;
  assert.equal(errors['malformed'], 0);
  assert.equal(errors['handlerErrors'], 0);
  assert.ok((summary['messagesOut'] as number) > 0 && (summary['messagesIn'] as number) > 0);
  const auth = summary['authRoundTripMs'] as { count: number };
  assert.ok(auth.count > 0);
  // Many roles, one consumer group for the process.
  assert.ok(((summary['bus'] as Record<string, number>)['routed'] ?? 0) > 0);
  return summary;
}

test('evcharge sim on the embedded bus: CPs register, drivers charge in a loop, a clean summary', async () => {
  const r = await runCli(['sim', '--embedded', '--cps', '40', '--drivers', '15', '--duration', '4', '--supply-seconds', '1.5', '--report-every', '0', '--no-tui', '--json'], { timeoutMs: 40000 });
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
  checkSummary(lines(r.stdout), 40);
});

test('evcharge sim against Kafka, with central in the process: one shared group, supplies complete', async () => {
  const tag = uniqueTag();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-sim-'));
  const config = path.join(dir, 'kafka_config.yaml');
  writeFileSync(config, isolatedConfigYaml(tag, { partitions: 2 }));
  const r = await runCli(['sim', '--config', config, '--central', '--cps', '30', '--drivers', '10', '--duration', '5', '--supply-seconds', '1.5', '--report-every', '2', '--no-tui', '--json'], { timeoutMs: 90000 });
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
  const events = lines(r.stdout);
  assert.ok(events.some((e) => e.kind === 'sim-report'), 'progress reports while running');
  checkSummary(events, 30);
});

test('bench smoke: every phase runs against the real broker and writes latest.json and latest.md', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'evcharge-bench-test-'));
  const child = spawn(process.execPath, [path.join(REPO, 'scripts/bench.mjs'), '--smoke', '--out', out], { cwd: REPO, env: process.env });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-8000)));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  const results = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')) as Record<string, any>;
  assert.equal(results['mode'], 'smoke');
  assert.ok(results['ceiling'].consume.perSecond > 0);
  assert.ok(results['ingest'].perSecond > 0);
  assert.ok(results['latency'].authRoundTripMs.count > 0);
  assert.ok(results['scale'].centralRssMaxMb > 0);
  assert.equal(typeof results['scale'].watchingDriverCpuShare, 'number', 'the idle driver was measured');
  assert.ok(results['growth'].length > 0);
  // Record protection: sealed ingest and round trips, nothing refused, ratios to the plain run.
  for (const p of ['sign', 'encrypt']) {
    const run = results['security'].runs[p];
    assert.ok(run.ingest.perSecond > 0 && run.ingest.lagLeft === 0, `${p}: ${JSON.stringify(run.ingest)}`);
    assert.equal(run.refused, 0, `${p}: central refused a sealed record`);
    assert.ok(run.authRoundTripMs.count > 0 && run.timeouts === 0, `${p}: ${JSON.stringify(run.authRoundTripMs)}`);
    assert.equal(typeof run.ingestRatio, 'number');
  }
  // The OCPP gateway: every smoke station connected and Accepted, round trips timed, nothing failed.
  const ocpp = results['ocpp'];
  assert.equal(ocpp.stationsConnected, ocpp.stations, JSON.stringify(ocpp.errorSamples));
  assert.equal(ocpp.stations, 20, 'the smoke size');
  assert.equal(ocpp.stationsAccepted, ocpp.stations);
  assert.ok(ocpp.gatewayRssMaxMb > 0 && typeof ocpp.gatewayCpuShare === 'number', JSON.stringify(ocpp));
  assert.ok(ocpp.meterValuesPerSecond > 0, 'the charging stations sent MeterValues');
  assert.ok(ocpp.driverToldMs.count > 0 && ocpp.driverToldMs.p50 > 0, JSON.stringify(ocpp.driverToldMs));
  assert.ok(ocpp.startTransactionMs.count > 0 && ocpp.startTransactionMs.p50 > 0, JSON.stringify(ocpp.startTransactionMs));
  assert.deepEqual(ocpp.failures, []);
  assert.deepEqual(ocpp.callsFailed, {});
  assert.equal(ocpp.gatewayFailures, 0, JSON.stringify(ocpp.gatewayFailureSamples));
  assert.equal(results['takeover'].kills, 2);
  assert.ok(results['takeover'].maxMs > 0);
  const md = readFileSync(path.join(out, 'latest.md'), 'utf8');
  assert.match(md, /\| CPU \|/);
  assert.match(md, /authorization round trip/);
  assert.match(md, /an idle driver on the same network meanwhile: CPU \/ RSS \| [\d.]+ %/);
  assert.match(md, /takeover: kill -9 of the active central/);
  assert.match(md, /\| 8 \| OCPP: stations connected to one gateway \/ Accepted at boot \/ charging .*\| 20 \/ 20 \/ \d+ of 20 \|/);
  assert.match(md, /\| 8 \| RemoteStart round trip: driver's request → driver told supply-started .*\| [\d.]+ ms \/ [\d.]+ ms \(n=\d+\)[;|]/);
  assert.match(md, /\| 8 \| … gateway RSS \(max\) \| [\d.]+ MB \|/);
  assert.match(md, /records encrypt: ingest \(\d+ B sealed\) as a ratio to off/);
});
