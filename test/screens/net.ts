import { startCentral, type Central } from '../../src/roles/central/index.js';
import { startChargePoint, type ChargePoint } from '../../src/roles/cp/index.js';
import { startDriver, type Driver } from '../../src/roles/driver/index.js';
import { advance, testNet, type TestNet } from './helpers.js';

export const CP_SPECS = [
  { id: 'CP001', location: 'Madrid Centro', pricePerKwh: 0.35, maxKw: 22 },
  { id: 'CP002', location: 'Bilbao Puerto', pricePerKwh: 0.42, maxKw: 50 },
  { id: 'CP003', location: 'Sevilla Sur', pricePerKwh: 0.3, maxKw: 11 },
];

export interface Network extends TestNet {
  central: Central;
  cps: Map<string, ChargePoint>;
  driver: Driver;
  close(): Promise<void>;
}

/** Central, the three CPs above (registered) and DRIVER001, on the embedded bus with a fake clock. */
export async function startNetwork(): Promise<Network> {
  const net = testNet();
  const central = await startCentral({ bus: net.bus, clock: net.clock, groups: { main: 'central-group', state: 'central-state' } });
  const cps = new Map<string, ChargePoint>();
  for (const s of CP_SPECS) {
    cps.set(s.id, await startChargePoint({ bus: net.bus, clock: net.clock, groups: { main: `cp-${s.id}-group` }, rampMs: 1000, ...s }));
  }
  const driver = await startDriver({ bus: net.bus, clock: net.clock, groups: { main: 'driver-D1-group', state: 'driver-D1-state' }, id: 'DRIVER001' });
  await advance(net, 2000);
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

/** A wrapper of a role object that records the intents called on it. */
export function spy<T extends object>(role: T, names: readonly (keyof T)[]): { role: T; calls: string[] } {
  const calls: string[] = [];
  const wrapped = { ...role } as T;
  for (const name of names) {
    const original = role[name] as unknown as (...args: unknown[]) => unknown;
    (wrapped as Record<keyof T, unknown>)[name] = (...args: unknown[]) => {
      calls.push(`${String(name)}(${args.map((a) => JSON.stringify(a)).join(',')})`);
      return original.apply(role, args);
    };
  }
  return { role: wrapped, calls };
}
