import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { BIN, REPO } from '../helpers/run-cli.js';

/** Starts the headless demo (embedded bus, no Kafka) and resolves once it has printed `lines` lines. */
function demo(lines: number) {
  const child = spawn(process.execPath, [BIN, 'demo', '--no-tui'], { cwd: REPO, env: { ...process.env, EVCHARGE_BROKERS: '127.0.0.1:1' } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = new Promise<void>((resolve) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.split('\n').length > lines) resolve();
    });
  });
  return { child, exited, printed, out: () => stdout, err: () => stderr };
}

test('a closed output pipe (| head -5) ends the program quietly with exit 0', async () => {
  const d = demo(5);
  await d.printed;
  d.child.stdout.destroy(); // the reader goes away, as head does after five lines
  const code = await d.exited;
  assert.equal(code, 0, d.err());
  assert.doesNotMatch(d.err(), /EPIPE|Unhandled|Error/);
});

test('Ctrl-C (SIGINT) ends a headless role cleanly with exit 130; SIGTERM with 0', async () => {
  const a = demo(3);
  await a.printed;
  a.child.kill('SIGINT');
  assert.equal(await a.exited, 130, a.err());
  assert.equal(a.err(), '', 'no second-signal or error text');

  const b = demo(3);
  await b.printed;
  b.child.kill('SIGTERM');
  assert.equal(await b.exited, 0, b.err());
});

test('a role left awaiting something that can never happen says so and exits 1, never 13 without a word', () => {
  const guard = path.join(REPO, 'dist', 'src', 'cli', 'unsettled-guard.js');
  const script = `import { guardUnsettledExit } from ${JSON.stringify(guard)}; guardUnsettledExit('central'); await new Promise(() => {});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /evcharge central: stopped with nothing left to wait for before it had finished/);
});
