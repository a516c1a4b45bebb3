import { startChargePoint, type ChargePoint } from '../../src/roles/cp/index.js';
import { startDriver, type Driver } from '../../src/roles/driver/index.js';
import type { Central } from '../../src/roles/central/index.js';
import { run, testNet, type TestNet } from './helpers.js';
import { startTestCentral } from './fakes.js';

export interface TestNetwork extends TestNet {
  central: Central;
  cps: Map<string, ChargePoint>;
  driver: Driver;
  close(): Promise<void>;
}

/** Central, the given real charge points and one real driver on one embedded bus and fake clock. */
export async function startNetwork(cpIds: string[] = ['CP001'], driverId = 'D1'): Promise<TestNetwork> {
  const net = testNet();
  const central = await startTestCentral(net);
  const cps = new Map<string, ChargePoint>();
  for (const id of cpIds) {
    cps.set(
      id,
      await startChargePoint({ bus: net.bus, clock: net.clock, groups: { main: `cp-${id}-group` }, id, location: 'Main St', pricePerKwh: 0.35, maxKw: 22, speed: 10 }),
    );
  }
  const driver = await startDriver({ bus: net.bus, clock: net.clock, groups: { main: `driver-${driverId}-group`, state: `driver-${driverId}-group-state` }, id: driverId, answerTimeoutMs: 5000 });
  await run(net, 1000);
  return {
    ...net,
    central,
    cps,
    driver,
    close: async () => {
      await driver.close();
      for (const cp of cps.values()) await cp.close();
      await central.close();
      await net.bus.close();
    },
  };
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
