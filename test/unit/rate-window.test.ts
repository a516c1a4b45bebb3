import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateWindow } from '../../src/screens/shared/rate-window.js';

test('the header rate is a 5 s window: a burst moves it a little, not from 17/s to 81/s', () => {
  const w = new RateWindow(5000);
  let n = 0;
  let shown = { a: 0, b: 0 };
  for (let s = 0; s <= 10; s++) shown = w.push(s * 1000, (n += s === 0 ? 0 : 17), 0);
  assert.equal(Math.round(shown.a), 17, 'steady 17/s reads 17/s');
  shown = w.push(11_000, (n += 81), 0); // one second with 81
  assert.ok(shown.a > 17 && shown.a < 40, `the burst is averaged over the window: ${shown.a}`);
  for (let s = 12; s <= 17; s++) shown = w.push(s * 1000, (n += 17), 0);
  assert.equal(Math.round(shown.a), 17, 'and forgotten once it leaves the window');
});
