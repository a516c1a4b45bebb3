import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { CentralTotals } from '../../src/roles/central/index.js';
import { totalsLines, type TotalsInput } from '../../src/screens/central/totals-lines.js';
import { segmentsWidth, type Segment } from '../../src/screens/shared/fit.js';

const text = (line: readonly Segment[]): string => line.map((s) => s.text).join('');

// A busy network: three- and four-digit counts, five-digit all-time kWh.
const BIG: CentralTotals = {
  byState: { AVAILABLE: 120, CHARGING: 87, OUT_OF_SERVICE: 12, FAULTED: 3, DISCONNECTED: 45 },
  openSupplies: 87,
  sessions: 12345,
  kwh: 98765.432,
  eur: 34567.89,
  today: { sessions: 432, kwh: 4321.098, eur: 1512.38 },
};
const FIGURES = ['87', '432', '4321.098', '1512.38', '12345', '98765.432', '34567.89'];
const input = (over: Partial<TotalsInput> = {}): TotalsInput => ({ totals: BIG, phase: 'serving', filter: '', editingFilter: false, shown: 267, total: 267, ...over });

it('big figures keep every digit: one line of them where it fits, all time on a third line where it does not', () => {
  for (const width of [200, 120, 80, 60]) {
    const lines = totalsLines(input(), width);
    for (const line of lines) assert.ok(segmentsWidth(line) <= width, `${width}: ${text(line)}`);
    assert.deepEqual(text(lines[0]!).match(/\d+/g), ['120', '87', '12', '3', '45'], `${width}: ${text(lines[0]!)}`);
    assert.deepEqual(lines.slice(1).map(text).join(' ').match(/\d+(?:\.\d+)?/g), FIGURES, `${width}: ${lines.map(text).join(' | ')}`);
  }
  assert.equal(totalsLines(input(), 120).length, 2);
  assert.equal(totalsLines(input(), 60).length, 3);
  assert.match(text(totalsLines(input(), 60)[2]!), /^all/);
});

it('the filter goes first on the figures line, so a cut there never loses it', () => {
  const [, figures] = totalsLines(input({ filter: 'bil', editingFilter: true, shown: 1 }), 80);
  assert.match(text(figures!), /^filter “bil▏” 1\/267 · /);
});
