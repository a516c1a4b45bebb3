import { EmbeddedBus } from '../../src/bus/embedded-bus.js';
import { FakeClock } from '../../src/bus/fake-clock.js';
import type { Central } from '../../src/roles/central/index.js';
import { startChargePoint, type ChargePoint, type ChargePointOptions } from '../../src/roles/cp/index.js';
import { startDriver, type Driver, type DriverOptions } from '../../src/roles/driver/index.js';

/** One embedded bus on a fake clock: the in-process network unit and screen tests run on. */
export interface TestNet {
  clock: FakeClock;
  bus: EmbeddedBus;
}

export function testNet(): TestNet {
  const clock = new FakeClock();
  return { clock, bus: new EmbeddedBus({ clock, retryDelayMs: 1 }) };
}

/** Advances fake time by `ms` in steps, letting the bus deliver after each step. */
export async function advance(net: TestNet, ms: number, step = 100): Promise<void> {
  await net.bus.idle();
  for (let t = 0; t < ms; t += step) {
    net.clock.advance(Math.min(step, ms - t));
    await net.bus.idle();
  }
}

export interface EmbeddedNetwork extends TestNet {
  central: Central;
  cps: Map<string, ChargePoint>;
  driver: Driver;
  /** Closes the roles in the order a real shutdown would, then the bus. */
  close(): Promise<void>;
}

type Local<T> = Omit<T, 'bus' | 'clock'>;

/** Starts the given real CPs and driver beside an already started central, then lets them settle. */
export async function joinNetwork(
  net: TestNet,
  central: Central,
  cpOptions: Local<ChargePointOptions>[],
  driverOptions: Local<DriverOptions>,
  settleMs: number,
): Promise<EmbeddedNetwork> {
  const cps = new Map<string, ChargePoint>();
  for (const o of cpOptions) cps.set(o.id, await startChargePoint({ bus: net.bus, clock: net.clock, ...o }));
  const driver = await startDriver({ bus: net.bus, clock: net.clock, ...driverOptions });
  await advance(net, settleMs);
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
