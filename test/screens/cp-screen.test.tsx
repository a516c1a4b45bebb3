import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChargePoint } from '../../src/roles/cp/index.js';
import { ChargePointScreen } from '../../src/screens/cp/cp-screen.js';
import { advance, renderScreen, stripAnsi, waitFor } from './helpers.js';
import { spy, startNetwork, type Network } from './net.js';

describe('charge-point meter (real roles, embedded bus, fake clock)', () => {
  let net: Network;
  let cp: ChargePoint;
  before(async () => {
    net = await startNetwork();
    cp = net.cps.get('CP001')!;
  });
  after(() => net.close());

  const open = (columns = 100, rows = 30) => {
    const s = spy(cp, ['unplug', 'fault', 'recover']);
    const r = renderScreen(<ChargePointScreen cp={s.role} />, { clock: net.clock, columns, rows });
    return { r, calls: s.calls, frame: () => stripAnsi(r.frame()) };
  };

  it('shows the state in large type and words, registration, price, max kW and key hints', async () => {
    const { r, frame } = open();
    await waitFor(() => assert.match(frame(), /● AVAILABLE/));
    const f = frame();
    assert.match(f, /evcharge cp · cp CP001/);
    assert.match(f, /▄▀▄ █ █ ▄▀▄/); // "AVA" in the block font
    assert.match(f, /✓ registered with central/);
    assert.match(f, /Madrid Centro · 0\.35 €\/kWh · max 22\.0 kW/);
    assert.match(f, /no vehicle plugged in/);
    assert.match(f, /u unplug {2}f fault {2}r recover {2}\? help {2}q quit/);
    r.unmount();
  });

  it('during a supply shows the driver, power gauge, kWh, € and elapsed; u unplugs', async () => {
    const { r, frame, calls } = open();
    const answer = net.driver.request('CP001');
    await advance(net, 200, 50);
    assert.equal((await answer).granted, true);
    await advance(net, 3000);
    await waitFor(() => assert.match(frame(), /power \[█+░*\] 22\.0 kW \/ 22\.0 kW/));
    const f = frame();
    assert.match(f, /supplying DRIVER001/);
    assert.match(f, /↯ CHARGING/);
    assert.match(f, /power \[█+░*\] 22\.0 kW \/ 22\.0 kW/);
    assert.match(f, /energy \d\.\d{3} kWh · cost \d\.\d\d € · elapsed 00:0[23]/);
    await r.press('u');
    await waitFor(() => assert.deepEqual(calls, ['unplug()']));
    await advance(net, 500);
    await waitFor(() => assert.match(frame(), /● AVAILABLE/));
    assert.match(frame(), /last supply: DRIVER001 \d\.\d{3} kWh · \d\.\d\d € · 00:0\d \(unplugged\)/);
    assert.match(frame(), /CP001 unplugged/);
    r.unmount();
  });

  it('f reports a fault and r recovers', async () => {
    const { r, frame, calls } = open();
    await waitFor(() => assert.match(frame(), /● AVAILABLE/));
    await r.press('f');
    // The screen draws on its own clock (the fake one): let a frame's worth of time pass.
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /✖ FAULTED/));
    assert.match(frame(), /█▀▀ ▄▀▄ █ █ █ +▀█▀/); // "FAULT" in the block font
    await r.press('r');
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /● AVAILABLE/));
    assert.deepEqual(calls, ['fault()', 'recover()']);
    await advance(net, 500);
    r.unmount();
  });

  it('keys that arrive in one read all count: "f?" faults and opens the help, " r" closes it and recovers', async () => {
    const { r, frame, calls } = open();
    await waitFor(() => assert.match(frame(), /● AVAILABLE/));
    r.stdin.write('f?');
    await waitFor(() => assert.match(frame(), /Help — evcharge cp/));
    await waitFor(() => assert.deepEqual(calls, ['fault()']));
    r.stdin.write(' r');
    await waitFor(() => assert.deepEqual(calls, ['fault()', 'recover()']));
    assert.doesNotMatch(frame(), /Help — /);
    await advance(net, 500);
    await waitFor(() => assert.match(frame(), /● AVAILABLE/));
    r.unmount();
  });

  it('? lists every key; q quits', async () => {
    const { r, frame } = open();
    await r.press('?');
    await waitFor(() => assert.match(frame(), /Help — evcharge cp · cp CP001/));
    assert.match(frame(), /unplug the vehicle/);
    assert.match(frame(), /report a fault/);
    assert.match(frame(), /clear the fault/);
    await r.press(' ');
    await waitFor(() => assert.match(frame(), /registered with central/));
    await r.press('q');
    await r.exited;
    r.unmount();
  });

  it('too small below 50×18', async () => {
    const { r, frame } = open(40, 12);
    await waitFor(() => assert.match(frame(), /terminal too small \(need 50×18\)/));
    r.resize(60, 20);
    await waitFor(() => assert.match(frame(), /registered with central/));
    r.unmount();
  });
});
