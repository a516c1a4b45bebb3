import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findConfig, loadFoundConfig, userConfigPath } from '../../src/config/find-config.js';
import { runCli } from '../helpers/run-cli.js';

const only = (...present: string[]) => (p: string) => present.includes(p);

test('the config lookup order: --config, EVCHARGE_CONFIG, ./kafka_config.yaml, the user config, built-in defaults', () => {
  const home = '/home/u';
  const user = '/home/u/.config/evcharge/config.yaml';
  const all = only('/w/kafka_config.yaml', user);
  assert.deepEqual(findConfig({ flag: 'f.yaml', env: { EVCHARGE_CONFIG: '/e.yaml' }, cwd: '/w', home, exists: all }), { kind: 'file', path: 'f.yaml', via: '--config' });
  assert.deepEqual(findConfig({ env: { EVCHARGE_CONFIG: '/e.yaml' }, cwd: '/w', home, exists: all }), { kind: 'file', path: '/e.yaml', via: 'EVCHARGE_CONFIG' });
  assert.deepEqual(findConfig({ env: {}, cwd: '/w', home, exists: all }), { kind: 'file', path: 'kafka_config.yaml', via: 'working directory' });
  assert.deepEqual(findConfig({ env: {}, cwd: '/elsewhere', home, exists: all }), { kind: 'file', path: user, via: 'user config' });
  assert.deepEqual(findConfig({ env: {}, cwd: '/elsewhere', home, exists: only() }), { kind: 'built-in' });
  // XDG_CONFIG_HOME moves the user config; a relative one is ignored, as the XDG spec says.
  assert.equal(userConfigPath({ XDG_CONFIG_HOME: '/x' }, home), '/x/evcharge/config.yaml');
  assert.equal(userConfigPath({ XDG_CONFIG_HOME: 'rel' }, home), user);
});

test('the built-in defaults: one local broker, the design\'s 3 partitions per topic (the lease topic: 1)', () => {
  const c = loadFoundConfig({ kind: 'built-in' });
  assert.equal(c.source, 'built-in defaults');
  assert.deepEqual(c.brokers, ['127.0.0.1:9092']);
  for (const t of Object.values(c.topics)) assert.equal(t.partitions, t.key === 'central-lease' ? 1 : 3, t.key);
  assert.deepEqual(loadFoundConfig({ kind: 'built-in' }, { brokersOverride: '10.0.0.1:9092' }).brokers, ['10.0.0.1:9092']);
});

const scratch = () => mkdtempSync(path.join(os.tmpdir(), 'evcharge-lookup-'));
const quick = (text: string) => text.replace('startup_timeout_ms: 15000', 'startup_timeout_ms: 1000');

test('run from a directory without a config: the user config is used, then the built-in defaults; EVCHARGE_CONFIG must name a file', async () => {
  const cwd = scratch();
  const xdg = scratch();
  mkdirSync(path.join(xdg, 'evcharge'));
  writeFileSync(path.join(xdg, 'evcharge', 'config.yaml'), quick(readFileSync('kafka_config.yaml', 'utf8')));
  const env = { EVCHARGE_BROKERS: '127.0.0.1:1', HOME: cwd, XDG_CONFIG_HOME: xdg, EVCHARGE_CONFIG: '' };
  const viaUser = await runCli(['driver', '--id', 'D6', '--cp', 'CP001', '--no-tui'], { cwd, env });
  assert.equal(viaUser.code, 2, viaUser.stderr);
  assert.doesNotMatch(viaUser.stderr, /cannot read it/);
  assert.match(viaUser.stderr, /no Kafka broker answered at 127\.0\.0\.1:1 within 1 s/, 'the user config (startup_timeout_ms 1000) was read');

  const named = await runCli(['driver', '--id', 'D6', '--cp', 'CP001', '--no-tui'], { cwd, env: { ...env, EVCHARGE_CONFIG: path.join(cwd, 'nope.yaml') } });
  assert.equal(named.code, 2);
  assert.match(named.stderr, /EVCHARGE_CONFIG names .*nope\.yaml: cannot read it \(file not found\); point it at a readable file or unset it/);

  const bare = await runCli(['driver', '--id', 'D6', '--cp', 'CP001', '--no-tui'], { cwd, env: { ...env, XDG_CONFIG_HOME: cwd }, timeoutMs: 40000 });
  assert.equal(bare.code, 2, bare.stderr);
  assert.match(bare.stderr, /No config file was found .* so the built-in defaults were used/);
  assert.doesNotMatch(bare.stderr, /cannot read it/);
});
