import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers/run-cli.js';

test("kafka:up passes Maven's output on without its colour escapes", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-mvn-'));
  // A stand-in mvn that writes what Maven 3.8 does in batch mode: text wrapped in colour resets.
  const bin = path.join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  writeFileSync(path.join(bin, 'mvn'), `#!/bin/sh\nprintf '\\033[0m\\033[0m[INFO] Copying kafka.jar\\033[0m\\n'\nprintf '\\033[1;31m[ERROR] no network\\033[m\\n' >&2\nexit 1\n`);
  chmodSync(path.join(bin, 'mvn'), 0o755);
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts/kafka.mjs'), 'up'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, EVCHARGE_KAFKA_HOME: path.join(dir, 'kafka') },
  });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^\[INFO\] Copying kafka\.jar$/m);
  assert.match(r.stderr, /^\[ERROR\] no network$/m);
  assert.match(r.stderr, /mvn failed to fetch Kafka/);
  assert.doesNotMatch(r.stdout + r.stderr, /\u001b/, 'no escape reaches a log or a pipe');
});
