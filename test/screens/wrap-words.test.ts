import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wrapWords } from '../../src/screens/shared/wrap-words.js';

describe('wrapWords', () => {
  it('breaks between words, each row as full as its words allow', () => {
    assert.deepEqual(wrapWords('ticket CP002: 0.500 kWh × 0.42 €/kWh = 0.21 € (stopped by the driver)', 49), [
      'ticket CP002: 0.500 kWh × 0.42 €/kWh = 0.21 €',
      '(stopped by the driver)',
    ]);
    assert.deepEqual(wrapWords('fits', 10), ['fits']);
  });

  it('breaks inside a word only when the word is wider than a row', () => {
    assert.deepEqual(wrapWords('abcdefghijkl mn', 5), ['abcde', 'fghij', 'kl mn']);
  });
});
