import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FakeClock } from '../../src/bus/fake-clock.js';
import { Header } from '../../src/screens/shared/header.js';
import { renderScreen, stripAnsi, waitFor } from './helpers.js';

const rates = { inPerSec: 0, outPerSec: 0, malformed: 0 };

it('the retrying header counts the seconds since the cluster last answered, live', async () => {
  const clock = new FakeClock();
  // The bus reported "retrying" once, 5 s into the silence; the count goes on from there.
  const bus = { state: 'retrying' as const, brokers: ['127.0.0.1:9092'], detail: 'no answer from the cluster for 5 s', lastHeardAt: clock.now() - 5000 };
  const r = renderScreen(<Header title="evcharge" who="cp CP001" bus={bus} rates={rates} width={120} />, { clock, columns: 120, rows: 5 });
  const frame = () => stripAnsi(r.frame());
  await waitFor(() => assert.match(frame(), /retrying 127\.0\.0\.1:9092: no answer from the cluster for 5 s/));
  clock.advance(10_000);
  await waitFor(() => assert.match(frame(), /no answer from the cluster for 15 s/));
  clock.advance(3_000);
  await waitFor(() => assert.match(frame(), /no answer from the cluster for 18 s/));
  assert.doesNotMatch(frame(), /for 5 s/);
  r.unmount();
});

it('another reason for retrying is kept beside the live count', async () => {
  const clock = new FakeClock();
  const bus = { state: 'retrying' as const, brokers: ['b:9092'], detail: 'publish: Messages are rejected since there are fewer in-sync replicas than required', lastHeardAt: clock.now() - 2000 };
  const r = renderScreen(<Header title="evcharge" who="central" bus={bus} rates={rates} width={200} />, { clock, columns: 200, rows: 5 });
  await waitFor(() => assert.match(stripAnsi(r.frame()), /retrying b:9092: no answer from the cluster for 2 s · publish: Messages are rejected/));
  r.unmount();
});

it('a narrow header gives up the title, then the long rates, before it cuts the bus label', async () => {
  const clock = new FakeClock();
  const bus = { state: 'connected' as const, brokers: ['embedded'] };
  const line = async (width: number) => {
    const r = renderScreen(<Header title="evcharge cp" who="cp CP001" bus={bus} rates={{ inPerSec: 12.5, outPerSec: 3, malformed: 0 }} width={width} />, { clock, columns: width, rows: 5 });
    let f = '';
    await waitFor(() => assert.match((f = stripAnsi(r.frame())), /CP001/));
    r.unmount();
    return f.replace(/ +/g, ' ');
  };
  assert.equal(await line(80), 'evcharge cp · cp CP001 ● embedded bus in 12.5/s out 3.0/s');
  assert.equal(await line(50), 'cp CP001 ● embedded bus in 12.5/s out 3.0/s');
  assert.equal(await line(40), 'cp CP001 ● embedded bus ↓12.5 ↑3.0/s');
});
