import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../src/bus/fake-clock.js';
import type { CpState, Ticket } from '../../src/protocol/index.js';
import { startCentral } from '../../src/roles/central/index.js';
import { DriverRun, ticketLine, type DriverCpView, type ServiceResult } from '../../src/roles/driver/index.js';
import type { RoleEvent } from '../../src/roles/shared/events.js';
import { CentralScreen } from '../../src/screens/central/central-screen.js';
import { ChargePointScreen } from '../../src/screens/cp/cp-screen.js';
import { DriverScreen } from '../../src/screens/driver/driver-screen.js';
import { fmtEur, fmtKwh } from '../../src/screens/shared/format.js';
import { joinNetwork, testNet, type EmbeddedNetwork } from '../helpers/embedded-net.js';
import { fakeDriver } from './fake-driver.js';
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

// Twelve CPs, more than the driver's menu has rows for at 80×24; seven available, every other state
// among the rest, and a location as long as any in the demo's list.
const DRIVER_CPS: DriverCpView[] = (
  [
    ['Madrid Centro', 'CHARGING'],
    ['Bilbao Puerto', 'AVAILABLE'],
    ['Sevilla Sur', 'OUT_OF_SERVICE'],
    ['Valencia Norte', 'AVAILABLE'],
    ['Zaragoza Este', 'FAULTED'],
    ['Santiago de Compostela', 'AVAILABLE'],
    ['Málaga Oeste', 'DISCONNECTED'],
    ['Murcia Centro', 'AVAILABLE'],
    ['Palma Aeropuerto', 'AVAILABLE'],
    ['Vigo Norte', 'CHARGING'],
    ['Gijón Playa', 'AVAILABLE'],
    ['León Catedral', 'AVAILABLE'],
  ] as const
).map(([location, state], i) => ({ id: `CP${String(i + 1).padStart(3, '0')}`, location, pricePerKwh: 0.3 + i / 100, maxKw: 22, state: state as CpState }));

const SIZES = [[80, 24], [120, 40], [200, 60], [60, 22]] as const;

/** After a resize, once the frame is drawn for the new size (the header spans the whole width). */
async function drawnAt(r: Rendered, columns: number, rows: number): Promise<string[]> {
  await waitFor(() => assert.equal(Array.from(lines(r, columns, rows)[0] ?? '').length, columns));
  return lines(r, columns, rows);
}

/** The event pane's text, its wrapped rows joined again (a row that goes on indents under the text). */
function eventText(ls: string[]): string {
  const start = ls.findIndex((l) => /^── events/.test(l));
  return ls
    .slice(start + 1, -1)
    .map((l) => l.replace(EVENT_LINE, '').trim())
    .join(' ');
}

describe('driver screen laid out for the terminal size (a fake driver role, fake clock)', () => {
  const ticket: Ticket = { sessionId: 'aaaaaaaa-0000-4000-8000-000000000001', cpId: 'CP002', driverId: 'DRIVER009', startedAt: 0, endedAt: 60_000, kwh: 0.5, pricePerKwh: 0.42, totalEur: 0.21, reason: 'driver-stop' };

  function charging(clock: FakeClock, cpId = 'CP001') {
    const driver = fakeDriver(DRIVER_CPS);
    driver.set({
      tickets: [ticket],
      supply: { sessionId: 'bbbbbbbb-0000-4000-8000-000000000002', cpId, startedAt: clock.now() - 65_000, pricePerKwh: 0.3, kw: 11, kwh: 0.5, eur: 0.17, seq: 3, stopping: false },
    });
    return driver;
  }

  /** The session's state and figures, the receipt's total, the menu's cursor row: on screen, none cut. */
  function assertEssentials(ls: string[], size: string): void {
    const f = ls.join('\n');
    assert.match(ls[0]!, /driver DRIVER009/, size);
    assert.match(f, /↯ charging at CP001 · 0\.30 €\/kWh/, size);
    assert.match(f, /power \[█+░*\] 11\.0 kW \/ 22\.0 kW/, size);
    assert.match(f, /energy 0\.500 kWh · so far 0\.17 € · elapsed 01:0\d/, size);
    assert.match(f, /RECEIPT · CP002/, size);
    assert.match(f, /TOTAL +0\.21 €/, size);
    assert.match(f, /charge points \(7 of 12 available/, size);
    // Nothing here ends in an ellipsis of its own, so any '…' is a cut.
    assert.doesNotMatch(f, /…/, `${size}: something is cut:\n${f}`);
  }

  it('the session, the receipt total, the menu and whole hints from 60×22 to 200×60; the menu pages with the cursor; the events pane takes the spare rows', async () => {
    const clock = new FakeClock();
    const driver = charging(clock);
    const r = renderScreen(<DriverScreen driver={driver} />, { clock, columns: 80, rows: 24 });
    await waitFor(() => assert.match(stripAnsi(r.frame()), /charging at CP001/));
    for (let i = 0; i < 60; i++) driver.emit(clock.now(), i % 2 ? 'denied' : 'request-sent', i % 2 ? `denied at CP005: charge point is faulted (cp-faulted) #${i}` : `requesting a charge at CP005 #${i}`);
    // The newest is a ticket's line, the longest a driver logs: at 60 columns it goes on to a second row.
    driver.emit(clock.now(), 'ticket', ticketLine(ticket));
    const shown: Record<string, number> = {};
    for (const [columns, rows] of SIZES) {
      r.resize(columns, rows);
      clock.advance(200);
      const ls = await drawnAt(r, columns, rows);
      const size = `${columns}×${rows}`;
      assertEssentials(ls, size);
      assert.match(ls.join('\n'), /x stops the supply/, size);
      assert.match(ls.join('\n'), /▸ CP002 +Bilbao Puerto/, size);
      const footer = ls[ls.length - 1]!;
      assertFooter(footer);
      assert.match(footer, /Enter request {2}x stop/, size);
      assert.ok(eventText(ls).endsWith(ticketLine(ticket)), `${size}: the newest event, whole: ${eventText(ls)}`);
      shown[size] = eventLines(ls).length;
      if (size === '200×60') assert.ok(blankLines(ls) <= 2, `${size}: ${blankLines(ls)} blank lines\n${ls.join('\n')}`);
    }
    assert.ok(shown['200×60']! > shown['120×40']!, `events shown: ${JSON.stringify(shown)}`);
    assert.ok(shown['120×40']! > shown['80×24']!, `events shown: ${JSON.stringify(shown)}`);

    // At 80×24 the menu has fewer rows than CPs: it follows the cursor to the last one and back.
    r.resize(80, 24);
    clock.advance(200);
    for (let i = 0; i < 6; i++) await r.press('j');
    clock.advance(200);
    await waitFor(() => assert.match(lines(r, 80, 24).join('\n'), /▸ CP012 +León Catedral/));
    let menu = lines(r, 80, 24).join('\n');
    assert.match(menu, /charge points \(7 of 12 available, \d+–12\)/);
    assert.doesNotMatch(menu, /CP002 +Bilbao Puerto/, 'the first page has scrolled away');
    for (let i = 0; i < 6; i++) await r.press('k');
    clock.advance(200);
    await waitFor(() => assert.match(lines(r, 80, 24).join('\n'), /▸ CP002 +Bilbao Puerto/));
    menu = lines(r, 80, 24).join('\n');
    assert.match(menu, /charge points \(7 of 12 available, 1–\d+\)/);

    // x, then the ticket: the footer's "stopping" gives way to the ticket, in its short form here.
    await r.press('x');
    await waitFor(() => assert.match(lines(r, 80, 24).at(-1)!, /stopping; the ticket follows/));
    const second: Ticket = { ...ticket, sessionId: 'bbbbbbbb-0000-4000-8000-000000000002', cpId: 'CP001', kwh: 0.6, pricePerKwh: 0.3, totalEur: 0.18 };
    driver.deliver(second);
    clock.advance(200);
    await waitFor(() => assert.match(lines(r, 80, 24).at(-1)!, /^✓ ticket CP001: 0\.600 kWh = 0\.18 € +\? help {2}q quit$/));
    await waitFor(() => assert.match(lines(r, 80, 24).join('\n'), /TOTAL +0\.18 €/));

    // q with a supply open stops it and counts down for its ticket: the footer says so in words that fit.
    driver.set({ supply: { sessionId: 'cccccccc-0000-4000-8000-000000000003', cpId: 'CP001', startedAt: clock.now(), pricePerKwh: 0.3, kw: 11, kwh: 0, eur: 0, seq: 1, stopping: false } });
    clock.advance(200);
    await waitFor(() => assert.match(lines(r, 80, 24).join('\n'), /charging at CP001/));
    await r.press('q');
    for (const [columns, rows] of [[80, 24], [60, 22]] as const) {
      r.resize(columns, rows);
      clock.advance(200);
      const footer = (await drawnAt(r, columns, rows)).at(-1)!;
      assert.match(footer, /^✓ .*CP001.*ticket.*\d+ s.*q again quits/, `${columns}×${rows}: ${footer}`);
      assertFooter(footer);
    }
    await r.press('q');
    await r.exited;
    r.unmount();
  });

  it('a --file run: the queue follows the current service, the session and the receipt total stay, from 60×22 to 200×60', async () => {
    const clock = new FakeClock();
    const driver = charging(clock);
    const cpIds = ['CP002', 'CP004', 'CP006', 'CP008', 'CP009', 'CP011', 'CP012', 'CP002', 'CP001', 'CP004', 'CP006', 'CP008'];
    let emit: (e: RoleEvent<'service-start' | 'service-result' | 'run-done'>) => void = () => {};
    let finish: (results: ServiceResult[]) => void = () => {};
    const run = new DriverRun('file', cpIds, (_signal, onEvent) => {
      emit = onEvent;
      return new Promise((resolve) => (finish = resolve));
    });
    const at = clock.now();
    const results: ServiceResult[] = [];
    for (const cpId of cpIds.slice(0, 8)) {
      emit({ at, kind: 'service-start', text: `requesting ${cpId}`, data: { cpId } });
      const result: ServiceResult = { status: 'denied', cpId, code: 'cp-faulted', reason: 'charge point is faulted' };
      results.push(result);
      emit({ at, kind: 'service-result', text: `${cpId} denied`, data: result as unknown as Record<string, unknown> });
    }
    emit({ at, kind: 'service-start', text: 'requesting CP001', data: { cpId: 'CP001' } });
    const r = renderScreen(<DriverScreen driver={driver} run={run} />, { clock, columns: 80, rows: 24 });
    for (const [columns, rows] of SIZES) {
      r.resize(columns, rows);
      clock.advance(200);
      const ls = await drawnAt(r, columns, rows);
      assert.match(ls.join('\n'), /services file \(8\/12 done\)/);
      const size = `${columns}×${rows}`;
      assertEssentials(ls, size);
      const f = ls.join('\n');
      assert.match(f, /in progress +CP001/, size);
      if (size !== '60×22') assert.match(f, /✖ denied +CP002 charge point is faulted \(cp-faulted\)/, `${size}: the last one done, above the current one`);
      if (size === '200×60') assert.equal(ls.filter((l) => /^ *(✖ denied|· waiting|\S? ?in progress) /.test(l.replace(/^[^✖·]*?(?=✖|·)/, ''))).length, 12, `${size}: the whole queue\n${f}`);
      assertFooter(ls[ls.length - 1]!);
      assert.doesNotMatch(ls[ls.length - 1]!, /Enter request/, `${size}: Enter is the run's`);
    }
    emit({ at, kind: 'run-done', text: '0 of 12 services completed', data: {} });
    finish(results);
    await run.done;
    for (const [columns, rows] of [[80, 24], [60, 22]] as const) {
      r.resize(columns, rows);
      clock.advance(200);
      const ls = await drawnAt(r, columns, rows);
      assert.match(ls.join('\n'), /done: 0 of 12 services completed · q quits/);
      assertEssentials(ls, `${columns}×${rows} done`);
    }
    r.unmount();
  });
});
