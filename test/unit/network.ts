import { joinNetwork, testNet, type EmbeddedNetwork } from '../helpers/embedded-net.js';
import { run, type TestNet } from './helpers.js';
import { startTestCentral } from './fakes.js';

export type TestNetwork = EmbeddedNetwork;

/** Central, the given real charge points and one real driver on one embedded bus and fake clock. */
export async function startNetwork(cpIds: string[] = ['CP001'], driverId = 'D1'): Promise<TestNetwork> {
  const net = testNet();
  const central = await startTestCentral(net);
  return joinNetwork(
    net,
    central,
    cpIds.map((id) => ({ groups: { main: `cp-${id}-group` }, id, location: 'Main St', pricePerKwh: 0.35, maxKw: 22, speed: 10 })),
    { groups: { main: `driver-${driverId}-group`, state: `driver-${driverId}-group-state` }, id: driverId, answerTimeoutMs: 5000 },
    1000,
  );
}

/** Advances fake time until the promise settles (or `maxMs` passes) and returns its value. */
export async function until<T>(net: TestNet, promise: Promise<T>, maxMs = 120_000, step = 250): Promise<T> {
  let done = false;
  let value: T | undefined;
  void promise.then((v) => {
    done = true;
    value = v;
  });
  for (let t = 0; t < maxMs && !done; t += step) await run(net, step, step);
  if (!done) throw new Error(`still pending after ${maxMs} ms of fake time`);
  return value as T;
}
