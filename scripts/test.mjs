#!/usr/bin/env node
// `npm test`: the one test command. Finds a Kafka to test against (EVCHARGE_BROKERS, or the local
// 127.0.0.1:9092); when none answers it starts a throwaway local one with scripts/kafka.mjs,
// runs every compiled test file under dist/test with node's test runner, and stops what it started.
//
//   npm test                  every test
//   npm test -- config cli    only test files whose path contains one of these words
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let brokers = (process.env.EVCHARGE_BROKERS ?? '127.0.0.1:9092').split(',');

async function kafkaAnswers() {
  const admin = new Kafka({ clientId: 'evcharge-test-probe', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1500, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Every broker of the cluster, so tests can tell a three-node cluster from one node. */
async function clusterBrokers() {
  const admin = new Kafka({ clientId: 'evcharge-test-probe', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { brokers: all } = await admin.describeCluster();
    return all.map((b) => `${b.host}:${b.port}`).sort();
  } finally {
    await admin.disconnect();
  }
}

function testFiles(filters) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const p = path.join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry.endsWith('.test.js')) out.push(p);
    }
  };
  walk(path.join(ROOT, 'dist', 'test'));
  return out.filter((f) => filters.length === 0 || filters.some((w) => path.relative(ROOT, f).includes(w))).sort();
}

const kafkaScript = (...args) => spawnSync(process.execPath, [path.join(ROOT, 'scripts/kafka.mjs'), ...args], { stdio: 'inherit' });

// One run at a time: two runs would share (and stop) one cluster under each other.
const LOCK = path.join(ROOT, '.kafka', 'test-run.pid');
mkdirSync(path.dirname(LOCK), { recursive: true });
if (existsSync(LOCK)) {
  const pid = Number(readFileSync(LOCK, 'utf8'));
  let alive = false;
  try {
    process.kill(pid, 0);
    alive = pid !== process.pid;
  } catch {}
  if (alive) {
    console.error(`[test] another test run (pid ${pid}) is using the local Kafka; wait for it or stop it`);
    process.exit(1);
  }
}
writeFileSync(LOCK, String(process.pid));
process.on('exit', () => rmSync(LOCK, { force: true }));

let started = false;
if (await kafkaAnswers()) {
  brokers = await clusterBrokers();
  console.log(`[test] using the Kafka at ${brokers.join(',')}`);
} else if (process.env.EVCHARGE_BROKERS) {
  console.error(`[test] no Kafka answers at EVCHARGE_BROKERS=${process.env.EVCHARGE_BROKERS}; unset it to let the tests start a local one`);
  process.exit(1);
} else {
  // Three nodes by default, so the replication tests run too; EVCHARGE_TEST_NODES=1 for a lighter run.
  const nodes = process.env.EVCHARGE_TEST_NODES ?? '3';
  console.log(`[test] no Kafka at 127.0.0.1:9092: starting a throwaway local one (${nodes} node${nodes === '1' ? '' : 's'})`);
  if (kafkaScript('up', '--nodes', nodes).status !== 0) process.exit(1);
  started = true;
  brokers = await clusterBrokers();
}

const files = testFiles(process.argv.slice(2));
if (files.length === 0) {
  console.error('[test] no test files matched');
  process.exit(1);
}
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=300000', '--test-force-exit', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  // CI unset: Ink draws only the last frame when it sees CI, and the screen tests read frames.
  env: { ...process.env, CI: undefined, EVCHARGE_BROKERS: brokers.join(','), EVCHARGE_REPO: ROOT },
});
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
if (started) {
  console.log('[test] stopping the Kafka this run started');
  kafkaScript('down');
}
process.exit(code);
