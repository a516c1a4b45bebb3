import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CentralScreen } from '../../src/screens/central/central-screen.js';
import { advance, KEYS, renderScreen, stripAnsi, waitFor } from './helpers.js';
import { spy, startNetwork, type Network } from './net.js';

describe('central monitor: f forgets a DISCONNECTED CP after a y', () => {
  let net: Network;
  before(async () => {
    net = await startNetwork();
    // CP003's process goes away: after the heartbeat timeout it is DISCONNECTED.
    await net.cps.get('CP003')!.close();
    await advance(net, 8000);
  });
  after(() => net.close());

  it('asks with the figures, cancels on another key, forgets on y; a connected CP is refused with the reason', async () => {
    const s = spy(net.central, ['forget']);
    const r = renderScreen(<CentralScreen central={s.role} />, { clock: net.clock, columns: 160, rows: 40 });
    const frame = () => stripAnsi(r.frame());
    await waitFor(() => assert.match(frame(), /○ disconnected 1/));

    await r.press('f');
    await waitFor(() => assert.match(frame(), /nothing to forget: CP001 stays \(AVAILABLE: only a DISCONNECTED charge point can be forgotten\)/));
    assert.deepEqual(s.calls, [], 'a connected CP is not even asked about');

    await r.press(KEYS.right, KEYS.right);
    await waitFor(() => assert.match(frame(), /▸CP003/));
    await r.press('f');
    await waitFor(() => assert.match(frame(), /forget CP003\? It leaves every screen, cp-state and the totals\. y to confirm/));
    await r.press('n');
    await waitFor(() => assert.match(frame(), /cancelled/));
    assert.deepEqual(s.calls, []);

    await r.press('f', 'y');
    await waitFor(() => assert.deepEqual(s.calls, ['forget("CP003")']));
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /forgot CP003/));
    // Gone from the grid and the counts; the event log says what happened to it.
    const above = (f: string) => f.split('── events')[0]!;
    await waitFor(() => assert.doesNotMatch(above(frame()), /CP003/));
    assert.match(frame(), /○ disconnected 0/);
    assert.match(frame(), /2 charge points/);
    assert.match(frame(), /CP003 forgotten by the operator \(removed from cp-state\)/);
    assert.deepEqual(net.driver.store.getSnapshot().cps.map((cp) => cp.id), ['CP001', 'CP002'], "gone from the driver's list too");
    r.unmount();
  });
});
