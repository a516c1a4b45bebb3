import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { startCentral } from '../../src/roles/central/index.js';
import { CentralScreen } from '../../src/screens/central/central-screen.js';
import { advance, KEYS, renderScreen, stripAnsi, waitFor } from './helpers.js';
import { spy, startNetwork, type Network } from './net.js';

describe('central monitor (real roles, embedded bus, fake clock)', () => {
  let net: Network;
  before(async () => {
    net = await startNetwork();
  });
  after(() => net.close());

  const open = (columns = 100, rows = 30) => {
    const s = spy(net.central, ['stop', 'resume']);
    const r = renderScreen(<CentralScreen central={s.role} />, { clock: net.clock, columns, rows });
    return { r, calls: s.calls, frame: () => stripAnsi(r.frame()) };
  };

  it('shows a tile per CP with state word, price and location, totals and key hints', async () => {
    const { r, frame } = open();
    await waitFor(() => assert.match(frame(), /CP003/));
    const f = frame();
    assert.match(f, /evcharge central · central/);
    assert.match(f, /embedded bus/);
    for (const id of ['CP001', 'CP002', 'CP003']) assert.match(f, new RegExp(id));
    assert.match(f, /Madrid Centro/);
    assert.match(f, /0\.42 €\/kWh/);
    assert.match(f, /● AVAILABLE/);
    assert.match(f, /● available 3/);
    assert.match(f, /supplies in progress 0/);
    assert.match(f, /s stop {2}r resume {2}S stop all {2}R resume all {2}f forget {2}t table {2}\/ filter {2}\? help {2}q quit/);
    r.unmount();
  });

  it('a second central is a standby: the header says STANDBY and names the active one; s is refused', async () => {
    const standby = await startCentral({ bus: net.bus, clock: net.clock, groups: { main: 'central-group', state: 'central-state-2', lease: 'central-lease' }, identity: { instanceId: randomUUID(), host: 'backup-host', pid: 4242, startedAt: 0 } });
    try {
      const r = renderScreen(<CentralScreen central={standby} />, { clock: net.clock, columns: 160, rows: 30 });
      const frame = () => stripAnsi(r.frame());
      await waitFor(() => assert.match(frame(), new RegExp(`STANDBY · active: ${hostname()} pid ${process.pid} since \\d\\d:\\d\\d:\\d\\d`)));
      // Its warm copy shows the network read-only.
      await waitFor(() => assert.match(frame(), /CP003/));
      await r.press('s');
      await waitFor(() => assert.match(frame(), new RegExp(`standby: read-only, the active central is ${hostname()} pid ${process.pid}`)));
      r.unmount();
    } finally {
      await standby.close();
    }
  });

  it('moves the selection with arrows and hjkl; the detail panel follows', async () => {
    const { r, frame } = open();
    await waitFor(() => assert.match(frame(), /▸CP001/));
    await r.press(KEYS.right);
    await waitFor(() => assert.match(frame(), /▸CP002/));
    assert.match(frame(), /CP002 Bilbao Puerto/);
    await r.press('l');
    await waitFor(() => assert.match(frame(), /▸CP003/));
    await r.press('h', 'h');
    await waitFor(() => assert.match(frame(), /▸CP001/));
    r.unmount();
  });

  it('keys that arrive in one read all count: "ll", two arrows, "/bil\\r" then a stop, "Ry"', async () => {
    const { r, frame, calls } = open();
    await waitFor(() => assert.match(frame(), /▸CP001/));
    r.stdin.write('ll');
    await waitFor(() => assert.match(frame(), /▸CP003/));
    r.stdin.write(KEYS.left + KEYS.left);
    await waitFor(() => assert.match(frame(), /▸CP001/));
    // The filter opens, keeps every character, closes on Enter; s then stops the one CP left.
    r.stdin.write('/bil\rs');
    await waitFor(() => assert.deepEqual(calls, ['stop("CP002")']));
    assert.match(frame(), /filter “bil” 1\/3/);
    r.stdin.write(KEYS.escape);
    await waitFor(() => assert.match(frame(), /CP001/));
    // The confirmation opens and is answered within one read.
    r.stdin.write('Ry');
    await waitFor(() => assert.deepEqual(calls, ['stop("CP002")', 'resume("all")']));
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /available 3/));
    r.unmount();
  });

  it('s stops the selected CP and r resumes it', async () => {
    const { r, frame, calls } = open();
    await waitFor(() => assert.match(frame(), /▸CP001/));
    await r.press(KEYS.right, 's');
    await waitFor(() => assert.deepEqual(calls, ['stop("CP002")']));
    // The screen draws on its own clock (the fake one): let a frame's worth of time pass.
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /⊘ OUT OF SERVICE/));
    assert.match(frame(), /CP002 stopped/);
    await r.press('r');
    await waitFor(() => assert.deepEqual(calls, ['stop("CP002")', 'resume("CP002")']));
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /● available 3/));
    r.unmount();
  });

  it('S and R ask for a confirmation before acting on every CP', async () => {
    const { r, frame, calls } = open();
    await waitFor(() => assert.match(frame(), /CP003/));
    await r.press('S');
    await waitFor(() => assert.match(frame(), /Stop ALL charge points/));
    await r.press('n');
    await waitFor(() => assert.match(frame(), /cancelled/));
    assert.deepEqual(calls, []);
    await r.press('S', 'y');
    await waitFor(() => assert.deepEqual(calls, ['stop("all")']));
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /out of service 3/));
    await r.press('R');
    await waitFor(() => assert.match(frame(), /Resume ALL charge points/));
    await r.press(KEYS.enter);
    await waitFor(() => assert.deepEqual(calls, ['stop("all")', 'resume("all")']));
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /available 3/));
    r.unmount();
  });

  it('/ filters by id, location or state; Esc clears', async () => {
    const { r, frame } = open();
    await waitFor(() => assert.match(frame(), /CP003/));
    await r.press('/', 'b', 'i', 'l');
    await waitFor(() => assert.match(frame(), /filter “bil▏” 1\/3/));
    assert.doesNotMatch(frame(), /CP001/);
    assert.match(frame(), /CP002/);
    await r.press(KEYS.enter);
    await waitFor(() => assert.match(frame(), /filter “bil” 1\/3/));
    await r.press(KEYS.escape);
    await waitFor(() => assert.match(frame(), /CP001/));
    await r.press('/', ...'charging');
    await waitFor(() => assert.match(frame(), /no charge point matches “charging”/));
    await r.press(KEYS.escape);
    r.unmount();
  });

  it('? shows the help overlay listing every key; any key closes it', async () => {
    const { r, frame } = open();
    await waitFor(() => assert.match(frame(), /CP003/));
    await r.press('?');
    await waitFor(() => assert.match(frame(), /Help — evcharge central/));
    const f = frame();
    for (const text of ['stop the selected charge point', 'resume the selected', 'stop every charge point', 'resume every charge point', 'filter by id, location or state', 'PgUp/PgDn', 'quit']) {
      assert.ok(f.includes(text), `help lists ${text}`);
    }
    assert.doesNotMatch(f, /Madrid Centro/);
    await r.press('x');
    await waitFor(() => assert.match(frame(), /Madrid Centro/));
    r.unmount();
  });

  it('shows a charging CP with kW, driver and €, the detail gauges, sparkline and the event log', async () => {
    const { r, frame } = open(110, 34);
    await waitFor(() => assert.match(frame(), /CP003/));
    const answer = net.driver.request('CP001');
    await advance(net, 200, 50);
    assert.equal((await answer).granted, true);
    await advance(net, 5000);
    // Wait for what only telemetry brings (full power on the tile and the gauge, energy above
    // zero, a sparkline ending at the peak), not for the supply's first frame at 0 kW. The screen
    // draws on the same fake clock, so the frame after these 5 s is always the same one.
    await waitFor(() => {
      const f = frame();
      assert.match(f, /↯ CHARGING 22\.0 kW/);
      assert.match(f, /power \[█+░*\] 22\.0 kW/);
      assert.match(f, /energy 0\.0[1-9]\d kWh/);
      assert.match(f, /·+[▁▂▃▄▅▆▇]*█{3,} │/);
    });
    const f = frame();
    assert.match(f, /↯ CHARGING \d+\.\d kW/);
    assert.match(f, /DRIVER001 \d+\.\d\d €/);
    assert.match(f, /charging 1/);
    assert.match(f, /supplies in progress 1/);
    assert.match(f, /power \[█+░*\] 22\.0 kW/);
    assert.match(f, /energy \d\.\d{3} kWh · \d\.\d\d €/);
    assert.match(f, /elapsed 00:0[45]/);
    assert.match(f, /last 60 s \(peak 22\.0 kW\)/);
    assert.match(f, /── events/);
    assert.match(f, /\d\d:\d\d:\d\d \+ DRIVER001 granted at CP001/);
    await net.driver.stopSupply();
    await advance(net, 1000);
    await waitFor(() => assert.match(frame(), /supplies in progress 0 · today 1 sessions · (\d\.\d{3}) kWh · (\d+\.\d\d) € · all time 1/));
    // Today's figures equal the one ticket's (the fake clock starts on one local day).
    const [, kwh] = /today 1 sessions · (\d\.\d{3}) kWh/.exec(frame())!;
    assert.ok(Number(kwh) > 0);
    r.unmount();
  });

  it('q quits', async () => {
    const { r } = open();
    await r.press('q');
    await r.exited;
    r.unmount();
  });

  it('below the minimum size shows "terminal too small" and reflows when it grows', async () => {
    const { r, frame } = open(50, 15);
    await waitFor(() => assert.match(frame(), /terminal too small \(need 60×22\)/));
    assert.doesNotMatch(frame(), /CP001/);
    r.resize(70, 24);
    await waitFor(() => assert.match(frame(), /CP001/));
    // 70 columns: two tiles per row and the detail under the grid
    assert.match(frame(), /CP001.*CP002/);
    assert.doesNotMatch(frame(), /CP001.*CP002.*CP003/);
    r.resize(140, 40);
    await waitFor(() => assert.match(frame(), /CP001.*CP002.*CP003/));
    r.unmount();
  });
});
