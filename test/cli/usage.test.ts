import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

test('--help lists the four commands and exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const cmd of ['central', 'cp', 'driver', 'demo']) assert.match(r.stdout, new RegExp(`evcharge ${cmd}\\b`));
});

test('--version prints the package version', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('no command prints usage and exits 2', async () => {
  const r = await runCli([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /name a command/);
  assert.match(r.stderr, /Commands:/);
});

test('an unknown command prints usage and exits 2', async () => {
  const r = await runCli(['recharge']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown argument: recharge/);
  assert.match(r.stderr, /Commands:/);
});

test('an unknown flag prints usage and exits 2', async () => {
  const r = await runCli(['central', '--turbo']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown argument: turbo/);
});

test('cp and driver without --id exit 2 naming the flag', async () => {
  for (const role of ['cp', 'driver']) {
    const r = await runCli([role, '--no-tui']);
    assert.equal(r.code, 2, role);
    assert.match(r.stderr, /Missing required argument: id/, role);
  }
});

test('a flag missing its value exits 2', async () => {
  const r = await runCli(['cp', '--id']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Not enough arguments following: id/);
});

test('a config that does not exist exits 2 naming the file', async () => {
  const r = await runCli(['central', '--no-tui', '--config', 'no/such/file.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no\/such\/file\.yaml: cannot read it \(file not found\)/);
  assert.equal(r.stdout, '');
});
