import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOperatorLine, runOperatorLine } from '../../src/roles/central/index.js';
import { flush, testNet } from './helpers.js';
import { FakeCp, startTestCentral } from './fakes.js';

test('operator lines parse to intents or a one-line error', () => {
  assert.deepEqual(parseOperatorLine('stop CP001'), { kind: 'stop', target: 'CP001' });
  assert.deepEqual(parseOperatorLine('reset-keys CP001'), { kind: 'reset-keys', target: 'CP001' });
  assert.deepEqual(parseOperatorLine('RESET-KEYS all'), { kind: 'reset-keys', target: 'all' });
  assert.match((parseOperatorLine('reset-keys') as { text: string }).text, /usage: reset-keys <CP id>\|all/);
  assert.deepEqual(parseOperatorLine('  RESUME   all '), { kind: 'resume', target: 'all' });
  assert.deepEqual(parseOperatorLine('status'), { kind: 'status' });
  assert.deepEqual(parseOperatorLine('help'), { kind: 'help' });
  assert.deepEqual(parseOperatorLine(''), { kind: 'empty' });
  assert.match((parseOperatorLine('stop') as { text: string }).text, /usage: stop/);
  assert.match((parseOperatorLine('stop a b') as { text: string }).text, /one target/);
  assert.match((parseOperatorLine('stop CP#1') as { text: string }).text, /letters, digits/);
  assert.match((parseOperatorLine('reboot CP1') as { text: string }).text, /unknown command "reboot"/);
});

test('runOperatorLine applies stop/resume and prints status', async () => {
  const net = testNet();
  const central = await startTestCentral(net);
  await new FakeCp(net, 'CP001').register();
  await flush(net);
  assert.deepEqual(await runOperatorLine(central, 'stop CP001'), { ok: true, text: 'CP001 stopped' });
  assert.match((await runOperatorLine(central, 'status'))!.text, /CP001\s+OUT_OF_SERVICE/);
  assert.deepEqual(await runOperatorLine(central, 'resume all'), { ok: true, text: 'resumed 1 of 1 charge points' });
  assert.equal((await runOperatorLine(central, 'stop CP002'))!.ok, false);
  assert.equal(await runOperatorLine(central, '   '), null);
  await central.close();
});
