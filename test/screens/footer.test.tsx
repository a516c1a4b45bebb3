import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CENTRAL_KEYS } from '../../src/screens/central/central-keys.js';
import { CP_KEYS } from '../../src/screens/cp/cp-keys.js';
import { DRIVER_KEYS } from '../../src/screens/driver/driver-keys.js';
import { Footer, type FooterMessage } from '../../src/screens/shared/footer.js';
import type { KeyHelp } from '../../src/screens/shared/keys.js';
import { renderScreen, stripAnsi, waitFor } from './helpers.js';

async function footer(keys: readonly KeyHelp[], width: number, message?: FooterMessage): Promise<string> {
  const r = renderScreen(<Footer keys={keys} width={width} message={message} />, { columns: width, rows: 3 });
  let line = '';
  await waitFor(() => {
    line = stripAnsi(r.frame());
    assert.ok(line.length > 0);
  });
  r.unmount();
  assert.ok(Array.from(line).length <= width, `${Array.from(line).length} wide at ${width}: ${line}`);
  return line.trimEnd();
}

// Keys with no short forms and no drop order, as a screen that predates them declares them.
const PLAIN_KEYS: readonly KeyHelp[] = [
  { keys: '↑↓/jk', label: 'choose' },
  { keys: 'Enter', label: 'request' },
  { keys: 'x', label: 'stop' },
  { keys: '?', label: 'help' },
  { keys: 'q', label: 'quit' },
];

describe('footer hints for the width', () => {
  it('central: full hints when they fit, then short forms, then the least important dropped; ? and q always', async () => {
    assert.equal(await footer(CENTRAL_KEYS, 120), '←↑↓→/hjkl select  s stop  r resume  S stop all  R resume all  f forget  t table  a audit  / filter  ? help  q quit');
    assert.equal(await footer(CENTRAL_KEYS, 105), '←↑↓→ move  s stop  r resume  S stop all  R resume all  f forget  t table  / filter  ? help  q quit');
    assert.equal(await footer(CENTRAL_KEYS, 90), '←↑↓→ move  s stop  r resume  S stop all  R resume all  f forget  / filter  ? help  q quit');
    assert.equal(await footer(CENTRAL_KEYS, 80), '←↑↓→ move  s stop  r resume  S stop all  R resume all  / filter  ? help  q quit');
    assert.equal(await footer(CENTRAL_KEYS, 60), 's stop  r resume  S stop all  R resume all  ? help  q quit');
    assert.equal(await footer(CENTRAL_KEYS, 40), 's stop  r resume  ? help  q quit');
    assert.equal(await footer(CENTRAL_KEYS, 20), '? help  q quit');
  });

  it('driver: the arrows shorten, then go before Enter and x; ? and q always', async () => {
    assert.equal(await footer(DRIVER_KEYS, 60), '↑↓/jk choose  Enter request  x stop  ? help  q quit');
    assert.equal(await footer(DRIVER_KEYS, 50), '↑↓ choose  Enter request  x stop  ? help  q quit');
    assert.equal(await footer(DRIVER_KEYS, 45), 'Enter request  x stop  ? help  q quit');
    assert.equal(await footer(DRIVER_KEYS, 30), 'Enter request  ? help  q quit');
  });

  it('keys without short forms lose hints from the end, whole, never ? and q', async () => {
    assert.equal(await footer(PLAIN_KEYS, 60), '↑↓/jk choose  Enter request  x stop  ? help  q quit');
    assert.equal(await footer(PLAIN_KEYS, 45), '↑↓/jk choose  Enter request  ? help  q quit');
    assert.equal(await footer(PLAIN_KEYS, 30), '↑↓/jk choose  ? help  q quit');
    assert.equal(await footer(CP_KEYS, 50), 'u unplug  f fault  r recover  ? help  q quit');
  });

  it('the result of an action keeps ? help and q quit beside it, in its short form or cut if need be', async () => {
    const line = await footer(CENTRAL_KEYS, 60, { text: 'CP002 stopped (supply ended, ticket sent to DRIVER001)', short: 'CP002 stopped', tone: 'ok' });
    assert.match(line, /^✓ CP002 stopped +\? help {2}q quit$/);
    const cut = await footer(CENTRAL_KEYS, 60, { text: 'standby: read-only, the active central is backup-host pid 4242', tone: 'error' });
    assert.match(cut, /^✖ standby: read-only, the active central is… +\? help {2}q quit$/);
    // Cut after the last whole word, not inside the next one.
    const words = await footer(DRIVER_KEYS, 60, { text: 'the run makes its own requests; Enter works once it is done', tone: 'error' });
    assert.match(words, /^✖ the run makes its own requests; Enter… +\? help {2}q quit$/);
  });

  it('a prompt reads the next key itself: no hints beside it, its short form when the long one does not fit', async () => {
    const prompt = { text: 'Stop ALL charge points (ends every supply)? y to confirm, any other key cancels', short: 'Stop ALL charge points? y confirms, other keys cancel', tone: 'prompt' as const };
    assert.equal(await footer(CENTRAL_KEYS, 100, prompt), `? ${prompt.text}`);
    assert.equal(await footer(CENTRAL_KEYS, 60, prompt), `? ${prompt.short}`);
  });
});
