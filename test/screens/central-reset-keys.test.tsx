import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CentralScreen } from '../../src/screens/central/central-screen.js';
import { renderScreen, stripAnsi, waitFor } from './helpers.js';
import { spy, startNetwork, type Network } from './net.js';

describe('central monitor: K resets the selected CP keys after a y', () => {
  let net: Network;
  before(async () => {
    net = await startNetwork();
  });
  after(() => net.close());

  it('asks what it does, cancels on another key, calls resetKeys on y and shows the answer', async () => {
    const s = spy(net.central, ['resetKeys']);
    const r = renderScreen(<CentralScreen central={s.role} />, { clock: net.clock, columns: 160, rows: 40 });
    const frame = () => stripAnsi(r.frame());
    await waitFor(() => assert.match(frame(), /▸CP001/));
    await r.press('K');
    await waitFor(() => assert.match(frame(), /Reset CP001's keys\? Its supply ends with a ticket and it is OUT OF SERVICE until it authenticates again\. y to confirm/));
    await r.press('x');
    await waitFor(() => assert.match(frame(), /cancelled/));
    assert.deepEqual(s.calls, []);
    await r.press('K', 'y');
    await waitFor(() => assert.deepEqual(s.calls, ['resetKeys("CP001")']));
    // This network does not protect its records: central says so instead of pretending.
    await waitFor(() => assert.match(frame(), /records are not protected here \(security\.records is off\)/));
    r.unmount();
  });
});
