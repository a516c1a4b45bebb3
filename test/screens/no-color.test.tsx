import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Network } from './net.js';

// Chalk decides its colour level when first imported, and the test runner's stdout is a pipe:
// force colours before anything imports Ink, so that the difference NO_COLOR makes is visible.
process.env['FORCE_COLOR'] = '3';
const { renderScreen, stripAnsi, waitFor, COLOUR_CODE } = await import('./helpers.js');
const { startNetwork } = await import('./net.js');
const { CentralScreen } = await import('../../src/screens/central/central-screen.js');
const { colorFromEnv } = await import('../../src/screens/shared/screen-context.js');

describe('NO_COLOR', () => {
  let net: Network;
  before(async () => {
    net = await startNetwork();
    await net.central.stop('CP002');
    await net.cps.get('CP003')!.fault();
    const { advance } = await import('./helpers.js');
    await advance(net, 500);
  });
  after(() => net.close());

  it('is read from the environment: set and non-empty turns colours off', () => {
    assert.equal(colorFromEnv({}), true);
    assert.equal(colorFromEnv({ NO_COLOR: '' }), true);
    assert.equal(colorFromEnv({ NO_COLOR: '1' }), false);
  });

  it('colours the states when allowed', async () => {
    const r = renderScreen(<CentralScreen central={net.central} />, { clock: net.clock, color: colorFromEnv({}) });
    await waitFor(() => assert.match(stripAnsi(r.frame()), /✖ FAULTED/));
    assert.match(r.frame(), COLOUR_CODE);
    assert.match(r.frame(), /\u001B\[(?:33|93|38;[25];[0-9;]+)m⊘ OUT OF SERVICE/); // orange (or its nearest)
    assert.match(r.frame(), /\u001B\[31m✖ FAULTED/);
    assert.match(r.frame(), /\u001B\[32m● AVAILABLE/);
    r.unmount();
  });

  it('leaves no colour codes with NO_COLOR set, and every state keeps its word and glyph', async () => {
    process.env['NO_COLOR'] = '1';
    try {
      const r = renderScreen(<CentralScreen central={net.central} />, { clock: net.clock, color: colorFromEnv() });
      await waitFor(() => assert.match(stripAnsi(r.frame()), /✖ FAULTED/));
      const f = r.frame();
      assert.doesNotMatch(f, COLOUR_CODE);
      const plain = stripAnsi(f);
      assert.match(plain, /● AVAILABLE/);
      assert.match(plain, /⊘ OUT OF SERVICE/);
      assert.match(plain, /✖ FAULTED/);
      r.unmount();
    } finally {
      delete process.env['NO_COLOR'];
    }
  });
});
