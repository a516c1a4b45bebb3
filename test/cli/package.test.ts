import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { REPO } from '../helpers/run-cli.js';

test('the published package holds the built binary and its configs only: no tests, no bench, no sources', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [pack] = JSON.parse(out) as { files: { path: string }[]; size: number }[];
  const paths = pack!.files.map((f) => f.path);
  assert.ok(paths.includes('dist/bin/evcharge.js'));
  assert.ok(paths.includes('kafka_config.yaml'));
  const stray = paths.filter((p) => /^(dist\/test|test|bench|src|scripts|kafka)\//.test(p) || p.endsWith('.ts'));
  assert.deepEqual(stray, [], 'nothing but dist/bin, dist/src and the configs');
});
