import { CP_STATES } from '../../protocol/index.js';
import type { CentralTotals } from '../../roles/central/index.js';
import { firstFit, segmentsWidth, type Segment } from '../shared/fit.js';
import { fmtEur, fmtKwh } from '../shared/format.js';
import { CP_STATE_STYLE } from '../shared/state-style.js';

export interface TotalsInput {
  totals: CentralTotals;
  phase: string;
  filter: string;
  editingFilter: boolean;
  shown: number;
  total: number;
}

const plain = (text: string): Segment => ({ text });
const bold = (text: string): Segment => ({ text, bold: true });

/** CPs per state: full words, short words, short words closer together, glyphs and counts. */
function stateForms(totals: CentralTotals): Segment[][] {
  const form = (word: (s: (typeof CP_STATES)[number]) => string, sep: string, gap: string) =>
    CP_STATES.flatMap((s, i) => [
      ...(i > 0 ? [plain(sep)] : []),
      { text: `${CP_STATE_STYLE[s].glyph}${word(s) ? ` ${word(s)}` : ''}${gap}`, color: CP_STATE_STYLE[s].color },
      bold(String(totals.byState[s])),
    ]);
  const long = (s: (typeof CP_STATES)[number]) => CP_STATE_STYLE[s].word.toLowerCase();
  const short = (s: (typeof CP_STATES)[number]) => CP_STATE_STYLE[s].short ?? long(s);
  return [form(long, '  ', ' '), form(short, '  ', ' '), form(short, ' ', ' '), form(() => '', ' ', '')];
}

/** Rebuilding, and the filter, go first: a line cut at the right edge must not lose them. */
function prefix(t: TotalsInput): Segment[] {
  const out: Segment[] = [];
  if (t.phase === 'rebuilding') out.push({ text: 'rebuilding from cp-state… ', color: 'yellow' });
  if (t.phase === 'taking-over') out.push({ text: 'taking over: catching up with cp-state… ', color: 'yellow' });
  if (t.filter || t.editingFilter) out.push({ text: `filter “${t.filter}${t.editingFilter ? '▏' : ''}” ${t.shown}/${t.total} · `, color: 'yellow' });
  return out;
}

/**
 * The status lines of the monitor for `width` columns: CPs per state, then supplies in progress
 * and today's and all time's sessions, kWh and €. Every figure stays: the labels get shorter
 * first, and when even the shortest line is too long, all time moves to a third line.
 */
export function totalsLines(t: TotalsInput, width: number): Segment[][] {
  const { totals } = t;
  const open = String(totals.openSupplies);
  const day = { n: String(totals.today.sessions), kwh: fmtKwh(totals.today.kwh), eur: fmtEur(totals.today.eur) };
  const all = { n: String(totals.sessions), kwh: fmtKwh(totals.kwh), eur: fmtEur(totals.eur) };
  const pre = prefix(t);
  const figures: Segment[][] = [
    [plain('supplies in progress '), bold(open), plain(' · today '), bold(day.n), plain(' sessions · '), bold(day.kwh), plain(' · '), bold(day.eur), plain(` · all time ${all.n} · ${all.kwh} · ${all.eur}`)],
    [plain('supplying '), bold(open), plain(' · today '), bold(day.n), plain(' · '), bold(day.kwh), plain(' · '), bold(day.eur), plain(` · all time ${all.n} · ${all.kwh} · ${all.eur}`)],
    [plain('now '), bold(open), plain(' · today '), bold(`${day.n}×`), plain(' '), bold(day.kwh), plain(' '), bold(day.eur), plain(` · all ${all.n}× ${all.kwh} ${all.eur}`)],
  ].map((f) => [...pre, ...f]);
  const states = firstFit(stateForms(totals), width, segmentsWidth);
  const one = figures.find((f) => segmentsWidth(f) <= width);
  if (one) return [states, one];
  const today = firstFit(
    [
      [...pre, plain('supplies in progress '), bold(open), plain(' · today '), bold(day.n), plain(' sessions · '), bold(day.kwh), plain(' · '), bold(day.eur)],
      [...pre, plain('supplying '), bold(open), plain(' · today '), bold(`${day.n}×`), plain(' '), bold(day.kwh), plain(' '), bold(day.eur)],
    ],
    width,
    segmentsWidth,
  );
  const allTime = firstFit([[plain(`all time ${all.n} sessions · ${all.kwh} · ${all.eur}`)], [plain(`all ${all.n}× ${all.kwh} ${all.eur}`)]], width, segmentsWidth);
  return [states, today, allTime];
}
