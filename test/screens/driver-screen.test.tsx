import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DriverRun, SessionEnd, sessionEndLines, startDriver, type DriverCpView } from '../../src/roles/driver/index.js';
import { FakeClock } from '../../src/bus/fake-clock.js';
import type { Ticket } from '../../src/protocol/index.js';
import { DriverScreen } from '../../src/screens/driver/driver-screen.js';
import { fakeDriver } from './fake-driver.js';
import { advance, KEYS, renderScreen, stripAnsi, waitFor } from './helpers.js';
import { spy, startNetwork, type Network } from './net.js';

describe('driver session (real roles, embedded bus, fake clock)', () => {
  let net: Network;
  before(async () => {
    net = await startNetwork();
  });
  after(() => net.close());

  const open = (columns = 110, rows = 32, run?: DriverRun, end?: SessionEnd) => {
    const s = spy(net.driver, ['request', 'stopSupply']);
    const r = renderScreen(<DriverScreen driver={s.role} run={run} end={end} />, { clock: net.clock, columns, rows });
    return { r, calls: s.calls, frame: () => stripAnsi(r.frame()) };
  };

  it('lists the CPs with state and price; the unavailable ones are greyed with why', async () => {
    await net.central.stop('CP002');
    await advance(net, 500);
    const { r, frame } = open();
    await waitFor(() => assert.match(frame(), /CP002 +Bilbao Puerto +0\.42 €\/kWh +⊘ OUT OF SERVICE — stopped/));
    const f = frame();
    assert.match(f, /evcharge driver · driver DRIVER001/);
    assert.match(f, /charge points \(2 of 3 available\)/);
    assert.match(f, /▸ CP001 +Madrid Centro +0\.35 €\/kWh +● AVAILABLE/);
    assert.match(f, / {2}CP003 +Sevilla Sur +0\.30 €\/kWh +● AVAILABLE/);
    assert.match(f, /choose an available charge point and press Enter/);
    assert.match(f, /no ticket yet/);
    assert.match(f, /↑↓\/jk choose {2}Enter request {2}x stop {2}\? help {2}q quit/);
    // the cursor skips the out-of-service CP
    await r.press(KEYS.down);
    await waitFor(() => assert.match(frame(), /▸ CP003/));
    await r.press('k');
    await waitFor(() => assert.match(frame(), /▸ CP001/));
    r.unmount();
    await net.central.resume('CP002');
    await advance(net, 500);
  });

  it('keys that arrive in one read all count: "jj", then "k" and Enter together request the CP under the cursor', async () => {
    const { r, frame, calls } = open();
    await waitFor(() => assert.match(frame(), /▸ CP001/));
    r.stdin.write('jj');
    await waitFor(() => assert.match(frame(), /▸ CP003/));
    r.stdin.write('k\r');
    await waitFor(() => assert.deepEqual(calls, ['request("CP002")']));
    await advance(net, 2000);
    await waitFor(() => assert.match(frame(), /charging at CP002/));
    r.stdin.write('x');
    await waitFor(() => assert.deepEqual(calls, ['request("CP002")', 'stopSupply()']));
    await advance(net, 1000);
    r.unmount();
  });

  it('Enter requests the highlighted CP; the supply shows power, kWh, € and elapsed; x stops; the receipt follows', async () => {
    // The driver is shared: an earlier test's ticket (also at CP002) is already on the receipt.
    const before = net.driver.store.getSnapshot().tickets.length;
    const { r, frame, calls } = open();
    await waitFor(() => assert.match(frame(), /▸ CP001/));
    await r.press(KEYS.down);
    await waitFor(() => assert.match(frame(), /▸ CP002/));
    await r.press(KEYS.enter);
    await waitFor(() => assert.deepEqual(calls, ['request("CP002")']));
    await advance(net, 4000);
    await waitFor(() => assert.match(frame(), /power \[█+░*\] \d+\.\d kW \/ 50\.0 kW/));
    let f = frame();
    assert.match(f, /↯ charging at CP002 · 0\.42 €\/kWh/);
    assert.match(f, /energy \d\.\d{3} kWh · so far \d\.\d\d € · elapsed 00:0\d/);
    assert.match(f, /x stops the supply/);
    await r.press('x');
    await waitFor(() => assert.deepEqual(calls, ['request("CP002")', 'stopSupply()']));
    await advance(net, 1000);
    await waitFor(() => assert.match(frame(), new RegExp(`tickets this run \\(${before + 1}, \\d\\.\\d\\d €\\)`)));
    // the footer's "the ticket follows" gives way to the ticket itself
    await waitFor(() => assert.match(frame(), /✓ ticket CP002: \d\.\d{3} kWh × 0\.42 €\/kWh = \d\.\d\d € \(stopped by the driver\)/));
    f = frame();
    assert.doesNotMatch(f, /the ticket follows/);
    assert.match(f, /RECEIPT · CP002 · DRIVER001/);
    assert.match(f, /energy +\d\.\d{3} kWh/);
    assert.match(f, /price +0\.42 €\/kWh/);
    assert.match(f, /TOTAL +\d\.\d\d €/);
    assert.match(f, /stopped by the driver/);
    assert.match(f, /\d\d:\d\d:\d\d CP002 \d\.\d{3} kWh \d\.\d\d € driver-stop/);
    r.unmount();
  });

  it('the ticket list keeps each line whole at 100 columns (the time gives way, not the reason)', async () => {
    assert.ok(net.driver.store.getSnapshot().tickets.length > 0, 'an earlier test left a ticket');
    const { r, frame } = open(100, 32);
    await waitFor(() => assert.match(frame(), /tickets this run/));
    assert.match(frame(), /CP002 \d\.\d{3} kWh \d\.\d\d € driver-stop/);
    assert.doesNotMatch(frame(), /driver-…/);
    r.unmount();
  });

  it('a denial shows its reason', async () => {
    const { r, frame } = open();
    await waitFor(() => assert.match(frame(), /CP003/));
    // Another driver takes CP003; ours asks for it anyway (as if the menu were out of date).
    const other = await startDriver({ bus: net.bus, clock: net.clock, groups: { main: 'driver-D2-group', state: 'driver-D2-state' }, id: 'DRIVER002' });
    const granted = other.request('CP003');
    await advance(net, 300, 50);
    assert.equal((await granted).granted, true);
    const denied = net.driver.request('CP003');
    await advance(net, 300, 50);
    assert.equal((await denied).granted, false);
    await waitFor(() => assert.match(frame(), /✖ denied at CP003/));
    assert.match(frame(), /charge point is busy with another supply \(cp-busy\)/);
    assert.match(frame(), /CP003 +Sevilla Sur +0\.30 €\/kWh +↯ CHARGING — in use/);
    await other.stopSupply();
    await advance(net, 1000);
    await other.close();
    r.unmount();
  });

  it('file mode shows the queue and its progress, and stays open at the end', async () => {
    const run = DriverRun.start(net.driver, { kind: 'file', cpIds: ['CP001', 'CP003'], pauseMs: 1000, stopAfterMs: 2000 }, { clock: net.clock });
    const { r, frame } = open(110, 32, run);
    await waitFor(() => assert.match(frame(), /services file \(0\/2 done\)/));
    assert.doesNotMatch(frame(), /Enter request/);
    await advance(net, 1000);
    await waitFor(() => assert.match(frame(), /in progress +CP001/));
    assert.match(frame(), /· waiting +CP003/);
    for (let i = 0; i < 20 && run.store.getSnapshot().phase !== 'pausing'; i++) await advance(net, 100);
    await advance(net, 200); // a frame's worth of fake time for the screen to draw the pause
    // between services nothing is pending or supplying, but Enter is still not the user's
    await waitFor(() => assert.match(frame(), /pausing \d s before CP003/));
    await waitFor(() => assert.match(frame(), /the run makes its own requests; Enter works once it is done/));
    assert.doesNotMatch(frame(), /press Enter|Enter request/);
    for (let i = 0; i < 20 && run.active; i++) await advance(net, 500);
    await run.done;
    await advance(net, 200); // the screen draws on the fake clock: a frame's worth of time
    await waitFor(() => assert.match(frame(), /done: 2 of 2 services completed · q quits/));
    // the run is over: the footer offers Enter again, as the session panel does
    await waitFor(() => assert.match(frame(), /↑↓\/jk choose {2}Enter request {2}x stop/));
    await waitFor(() => assert.match(frame(), /choose an available charge point and press Enter/));
    // the row names the CP and the status once, then the figures
    assert.match(frame(), /✓ completed +CP001 \d\.\d{3} kWh, \d\.\d\d € \(driver-stop\)/);
    assert.doesNotMatch(frame(), /CP001 CP001|completed +CP001 completed/);
    assert.match(frame(), /✓ completed +CP003/);
    await r.press('q');
    await r.exited;
    r.unmount();
  });

  it('q during a single run stops the supply, waits for the ticket, then quits; the ticket is kept for after the screen', async () => {
    const run = DriverRun.start(net.driver, { kind: 'single', cpId: 'CP001' }, { clock: net.clock });
    const end = new SessionEnd(net.driver, { clock: net.clock, run });
    const { r, frame } = open(110, 32, run, end);
    await advance(net, 3000);
    await waitFor(() => assert.match(frame(), /charging at CP001/));
    await r.press('q');
    await waitFor(() => assert.match(frame(), /✓ stopping CP001; waiting for the ticket \(60 s\) · q again quits now/));
    await advance(net, 1000);
    await r.exited;
    const outcome = await run.done;
    assert.equal(outcome.kind, 'single');
    assert.deepEqual(outcome.results.map((r) => r.status), ['completed']);
    assert.equal(outcome.exitCode, 0);
    const ended = await end.done;
    assert.deepEqual(sessionEndLines(ended).map((l) => l.replace(/\d+\.\d+/g, 'N')), ['ticket CP001: N kWh × N €/kWh = N € (stopped by the driver)']);
    r.unmount();
  });

  it('q during an interactive supply stops it, counts down while the ticket comes, and quits with the ticket to print', async () => {
    const end = new SessionEnd(net.driver, { clock: net.clock });
    const { r, frame, calls } = open(110, 32, undefined, end);
    await waitFor(() => assert.match(frame(), /▸ CP001/));
    await r.press(KEYS.enter);
    await advance(net, 3000);
    await waitFor(() => assert.match(frame(), /charging at CP001/));
    await r.press('q');
    await waitFor(() => assert.match(frame(), /✓ stopping CP001; waiting for the ticket \(60 s\) · q again quits now/));
    assert.deepEqual(calls, ['request("CP001")'], 'the stop goes to the driver from the session end');
    await advance(net, 1000);
    await r.exited;
    const ended = await end.done;
    assert.equal(ended.forced, false);
    assert.equal(ended.missing, null);
    assert.deepEqual(ended.tickets.map((t) => [t.cpId, t.reason]), [['CP001', 'driver-stop']]);
    assert.match(sessionEndLines(ended)[0] ?? '', /^ticket CP001: \d\.\d{3} kWh × 0\.35 €\/kWh = \d\.\d\d € \(stopped by the driver\)$/);
    r.unmount();
  });

  it('too small below 60×20', async () => {
    const { r, frame } = open(59, 20);
    await waitFor(() => assert.match(frame(), /terminal too small \(need 60×20\)/));
    r.resize(60, 20);
    await waitFor(() => assert.match(frame(), /charge points/));
    r.unmount();
  });
});

const SESSION = '6f1c0a52-0000-4000-8000-000000000001';
const supplyAt = (cpId: string) => ({ sessionId: SESSION, cpId, startedAt: 0, pricePerKwh: 0.33, kw: 11, kwh: 0.5, eur: 0.17, seq: 3, stopping: false });
const ticketAt = (cpId: string): Ticket => ({ sessionId: SESSION, cpId, driverId: 'DRIVER009', startedAt: 0, endedAt: 60_000, kwh: 0.512, pricePerKwh: 0.33, totalEur: 0.17, reason: 'driver-stop' });

const FAULTED_CP: DriverCpView = { id: 'CP009', location: 'Vigo Norte', pricePerKwh: 0.33, maxKw: 22, state: 'FAULTED' };

describe('driver screen (a fake driver role)', () => {
  it('Enter with only a FAULTED CP listed says why instead of doing nothing; x with no supply says so too', async () => {
    const driver = fakeDriver([FAULTED_CP]);
    const r = renderScreen(<DriverScreen driver={driver} />, { columns: 110, rows: 30 });
    const frame = () => stripAnsi(r.frame());
    await waitFor(() => assert.match(frame(), /CP009 +Vigo Norte/));
    // the panel does not invite an Enter that cannot work
    assert.match(frame(), /no charge point is available: CP009 is faulted/);
    assert.doesNotMatch(frame(), /press Enter/);
    await r.press(KEYS.enter);
    await waitFor(() => assert.match(frame(), /✖ no charge point is available: CP009 is faulted/));
    assert.deepEqual(driver.calls, [], 'nothing was asked of central');
    await r.press('x');
    await waitFor(() => assert.match(frame(), /✖ no supply in progress/));
    r.unmount();
  });

  it('the empty receipt keeps its phrases whole, at the narrowest and a usual width', async () => {
    for (const columns of [96, 110]) {
      const r = renderScreen(<DriverScreen driver={fakeDriver([FAULTED_CP])} />, { columns, rows: 30 });
      await waitFor(() => {
        const f = stripAnsi(r.frame());
        assert.match(f, /║ no ticket yet +║/, `${columns} columns`);
        assert.match(f, /║ it appears here when a supply ends +║/, `${columns} columns`);
      });
      r.unmount();
    }
  });

  it('q while central has not answered waits for the answer, then stops the supply it granted and waits for its ticket', async () => {
    const clock = new FakeClock();
    const driver = fakeDriver([{ ...FAULTED_CP, state: 'AVAILABLE' }]);
    const end = new SessionEnd(driver, { clock });
    const r = renderScreen(<DriverScreen driver={driver} end={end} />, { columns: 110, rows: 30, clock });
    const frame = () => stripAnsi(r.frame());
    driver.set({ pending: { requestId: 'r1', cpId: 'CP009', sentAt: 0 } });
    await waitFor(() => assert.match(frame(), /waiting for central's answer about CP009…/));
    await r.press('q');
    await waitFor(() => assert.match(frame(), /✓ quitting: waiting for central's answer about CP009 · q again quits now/));
    // granted after all: a supply nobody would watch unless it is stopped
    driver.set({ pending: null, supply: supplyAt('CP009') });
    clock.advance(200); // a frame's worth of fake time for the screen to draw it
    await waitFor(() => assert.match(frame(), /✓ stopping CP009; waiting for the ticket \(60 s\) · q again quits now/));
    assert.deepEqual(driver.calls, [`stopSupply(${SESSION})`]);
    driver.deliver(ticketAt('CP009'));
    await r.exited;
    assert.deepEqual(sessionEndLines(await end.done), ['ticket CP009: 0.512 kWh × 0.33 €/kWh = 0.17 € (stopped by the driver)']);
    r.unmount();
  });

  /** A driver charging at CP009 whose user pressed q: the screen waits for the ticket. */
  async function quitDuringSupply() {
    const clock = new FakeClock();
    const driver = fakeDriver([{ ...FAULTED_CP, state: 'CHARGING' }]);
    driver.set({ supply: supplyAt('CP009') });
    const end = new SessionEnd(driver, { clock });
    const r = renderScreen(<DriverScreen driver={driver} end={end} />, { columns: 110, rows: 30, clock });
    const frame = () => stripAnsi(r.frame());
    await waitFor(() => assert.match(frame(), /charging at CP009/));
    await r.press('q');
    await waitFor(() => assert.match(frame(), /waiting for the ticket \(60 s\)/));
    return { clock, driver, end, r, frame };
  }

  it('the wait for the ticket is bounded: it counts down, then quits saying where the ticket will go', async () => {
    const { clock, end, r, frame } = await quitDuringSupply();
    clock.advance(30_000);
    await waitFor(() => assert.match(frame(), /waiting for the ticket \(30 s\)/));
    clock.advance(29_000);
    await waitFor(() => assert.match(frame(), /waiting for the ticket \(1 s\)/));
    clock.advance(1_000);
    await r.exited;
    const ended = await end.done;
    assert.equal(ended.forced, false);
    assert.deepEqual(sessionEndLines(ended), ['no ticket from CP009 within 60 s of asking to stop; if central sends it later, the next `evcharge driver --id DRIVER009` receives it']);
    r.unmount();
  });

  it('a second q quits at once, and says where the ticket will go', async () => {
    const { driver, end, r } = await quitDuringSupply();
    await r.press('q');
    await r.exited;
    const ended = await end.done;
    assert.equal(ended.forced, true);
    assert.deepEqual(driver.calls, [`stopSupply(${SESSION})`], 'the stop was asked for all the same');
    assert.deepEqual(sessionEndLines(ended), ['quit before the ticket of the supply at CP009 arrived; the next `evcharge driver --id DRIVER009` receives it']);
    r.unmount();
  });
});
