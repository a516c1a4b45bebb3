import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCentral } from '../../src/roles/central/index.js';
import { CentralScreen } from '../../src/screens/central/central-screen.js';
import { ChargePointScreen } from '../../src/screens/cp/cp-screen.js';
import { fmtEur, fmtKwh } from '../../src/screens/shared/format.js';
import { joinNetwork, testNet, type EmbeddedNetwork } from '../helpers/embedded-net.js';
import { advance, renderScreen, stripAnsi, waitFor, type Rendered } from './helpers.js';

// One CP in each state, so every count on the status line is 1 and none can hide behind another.
const SPECS = [
  { id: 'CP001', location: 'Madrid Centro', pricePerKwh: 0.35, maxKw: 22 }, // charging
  { id: 'CP002', location: 'Bilbao Puerto', pricePerKwh: 0.42, maxKw: 50 }, // available
  { id: 'CP003', location: 'Sevilla Sur', pricePerKwh: 0.3, maxKw: 11 }, // out of service
  { id: 'CP004', location: 'Valencia Norte', pricePerKwh: 0.38, maxKw: 22 }, // faulted
  { id: 'CP005', location: 'Zaragoza Este', pricePerKwh: 0.33, maxKw: 7.4 }, // disconnected
];

const EVENT_LINE = /^\d\d:\d\d:\d\d [+!~· ] /;

/** The frame's lines, checked against the terminal: none wider, no more of them than rows. */
function lines(r: Rendered, columns: number, rows: number): string[] {
  const all = stripAnsi(r.frame()).split('\n');
  for (const [i, line] of all.entries()) assert.ok(Array.from(line).length <= columns, `line ${i} is ${Array.from(line).length} wide at ${columns}: ${line}`);
  assert.ok(all.length <= rows, `${all.length} lines at ${rows} rows`);
  return all;
}

/** The footer shows whole hints, `? help` and `q quit` among them. */
function assertFooter(footer: string): void {
  assert.match(footer, /\? help {2}q quit$/, `footer: ${footer}`);
  assert.doesNotMatch(footer, /…/, `footer cut: ${footer}`);
}

const numbers = (line: string): string[] => line.match(/\d+(?:\.\d+)?/g) ?? [];
const eventLines = (ls: string[]): string[] => ls.filter((l) => EVENT_LINE.test(l));
const blankLines = (ls: string[]): number => ls.filter((l) => l.trim() === '').length;

describe('screens laid out for the terminal size (real roles, embedded bus, fake clock)', () => {
  let net: EmbeddedNetwork;
  before(async () => {
    const t = testNet();
    const central = await startCentral({ bus: t.bus, clock: t.clock, groups: { main: 'central-group', state: 'central-state', lease: 'central-lease' } });
    net = await joinNetwork(
      t,
      central,
      SPECS.map((s) => ({ groups: { main: `cp-${s.id}-group` }, rampMs: 1000, ...s })),
      { groups: { main: 'driver-D1-group', state: 'driver-D1-state' }, id: 'DRIVER001' },
      2000,
    );
    // A finished session, so today's and all time's figures are not all zero.
    const first = net.driver.request('CP002');
    await advance(net, 200, 50);
    assert.equal((await first).granted, true);
    await advance(net, 3000);
    await net.driver.stopSupply();
    await advance(net, 1000);
    await net.cps.get('CP005')!.close();
    for (let i = 0; i < 60 && net.central.store.getSnapshot().cps.find((c) => c.id === 'CP005')?.state !== 'DISCONNECTED'; i++) await advance(net, 1000);
    await net.central.stop('CP003');
    await net.cps.get('CP004')!.fault();
    await advance(net, 500);
  });
  after(() => net.close());

  /** Events after the screen is up (it logs what it sees from then on): two per stop/resume of CP002. */
  async function someEvents(rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      await net.central.stop('CP002');
      await advance(net, 200);
      await net.central.resume('CP002');
      await advance(net, 200);
    }
  }

  it('central: every figure, every state count, whole hints and the sparkline from 60×22 to 200×60; the events pane takes the spare rows', async () => {
    const r = renderScreen(<CentralScreen central={net.central} />, { clock: net.clock, columns: 80, rows: 24 });
    const charging = net.driver.request('CP001');
    await advance(net, 200, 50);
    assert.equal((await charging).granted, true);
    await advance(net, 3000);
    await someEvents(30);

    const snap = net.central.store.getSnapshot();
    const t = snap.totals;
    assert.deepEqual(Object.values(t.byState), [1, 1, 1, 1, 1]);
    assert.equal(t.today.sessions, 1);
    const figures = [String(t.openSupplies), String(t.today.sessions), fmtKwh(t.today.kwh), fmtEur(t.today.eur), String(t.sessions), fmtKwh(t.kwh), fmtEur(t.eur)].map((f) => numbers(f)[0]);
    const shown: Record<string, number> = {};

    for (const [columns, rows] of [[80, 24], [120, 40], [200, 60], [60, 22]] as const) {
      r.resize(columns, rows);
      await advance(net, 200);
      await waitFor(() => assert.match(lines(r, columns, rows)[0] ?? '', columns >= 80 ? /evcharge central/ : /central/));
      const ls = lines(r, columns, rows);
      const size = `${columns}×${rows}`;
      // Line 1: a glyph and a count for each state, DISCONNECTED among them, in words.
      assert.deepEqual(numbers(ls[1]!), ['1', '1', '1', '1', '1'], `${size} states: ${ls[1]}`);
      for (const glyph of ['●', '↯', '⊘', '✖', '○']) assert.ok(ls[1]!.includes(glyph), `${size} ${glyph} in ${ls[1]}`);
      assert.match(ls[1]!, /disconnected 1|offline 1/, `${size}: ${ls[1]}`);
      // Line 2: in progress, today's sessions, kWh, €, all time's sessions, kWh, € — none cut.
      assert.deepEqual(numbers(ls[2]!), figures, `${size} figures: ${ls[2]}`);
      assert.doesNotMatch(ls[2]!, /…/, `${size}: ${ls[2]}`);
      assert.match(ls[2]!, /today/);
      assertFooter(ls[ls.length - 1]!);
      // The selected CP (the charging one) is in the detail panel.
      assert.match(ls.join('\n'), /CP001 Madrid Centro/);
      if (columns >= 80) {
        assert.match(ls.join('\n'), /last 60 s \(peak 22\.0 kW\)/, size);
        assert.ok(ls.some((l) => /│ [·▁▂▃▄▅▆▇█]{20,} *│/.test(l)), `${size}: no sparkline`);
      }
      const events = eventLines(ls);
      assert.ok(events.length >= 2, `${size}: ${events.length} event lines`);
      // The newest event is the last line shown.
      assert.match(events[events.length - 1]!, /CP002 (resumed|back in service)|resume/i, `${size}: ${events[events.length - 1]}`);
      shown[size] = events.length;
      if (size === '200×60') assert.ok(blankLines(ls) <= 2, `${size}: ${blankLines(ls)} blank lines`);
    }
    assert.ok(shown['200×60']! > shown['120×40']!, `events shown: ${JSON.stringify(shown)}`);
    assert.ok(shown['120×40']! > shown['80×24']!, `events shown: ${JSON.stringify(shown)}`);
    r.unmount();
    await net.driver.stopSupply();
    await advance(net, 1000);
  });

  it('charge point: state, registration, the figures and whole hints at 80×24 and 200×60; the events pane takes the spare rows', async () => {
    const cp = net.cps.get('CP001')!;
    const r = renderScreen(<ChargePointScreen cp={cp} />, { clock: net.clock, columns: 80, rows: 24 });
    for (let i = 0; i < 25; i++) {
      await cp.fault();
      await advance(net, 200);
      await cp.recover();
      await advance(net, 200);
    }
    const charging = net.driver.request('CP001');
    await advance(net, 200, 50);
    assert.equal((await charging).granted, true);
    await advance(net, 3000);
    const shown: Record<string, number> = {};
    for (const [columns, rows] of [[80, 24], [200, 60], [50, 18]] as const) {
      r.resize(columns, rows);
      await advance(net, 200);
      const size = `${columns}×${rows}`;
      await waitFor(() => assert.match(lines(r, columns, rows).join('\n'), /↯ CHARGING/));
      const ls = lines(r, columns, rows);
      const f = ls.join('\n');
      assert.match(f, /✓ registered/, size);
      assert.match(f, /supplying DRIVER001/, size);
      assert.match(f, /22\.0 kW \/ 22\.0 kW/, size);
      assert.match(f, /\d\.\d{3} kWh · (cost )?\d\.\d\d € · (elapsed )?00:0\d/, size);
      assertFooter(ls[ls.length - 1]!);
      shown[size] = eventLines(ls).length;
      if (size === '200×60') assert.ok(blankLines(ls) <= 2, `${size}: ${blankLines(ls)} blank lines`);
    }
    assert.ok(shown['200×60']! > shown['80×24']!, `events shown: ${JSON.stringify(shown)}`);
    // After the supply, the last one's figures stay whole on a narrow meter.
    await net.driver.stopSupply();
    await advance(net, 1000);
    await waitFor(() => assert.match(lines(r, 50, 18).join('\n'), /● AVAILABLE/));
    assert.match(lines(r, 50, 18).join('\n'), /last: DRIVER001 \d\.\d{3} kWh · \d\.\d\d € · 00:0\d/);
    r.unmount();
  });
});
