import { startCentral } from '../../src/roles/central/index.js';
import { joinNetwork, testNet, type EmbeddedNetwork } from '../helpers/embedded-net.js';

export const CP_SPECS = [
  { id: 'CP001', location: 'Madrid Centro', pricePerKwh: 0.35, maxKw: 22 },
  { id: 'CP002', location: 'Bilbao Puerto', pricePerKwh: 0.42, maxKw: 50 },
  { id: 'CP003', location: 'Sevilla Sur', pricePerKwh: 0.3, maxKw: 11 },
];

export type Network = EmbeddedNetwork;

/**
 * Central, the three CPs above (registered) and DRIVER001, on the embedded bus with a fake clock.
 * `central`: more of central's options (its principal, the audit reader's group).
 */
export async function startNetwork(central: Partial<Parameters<typeof startCentral>[0]> = {}): Promise<Network> {
  const net = testNet();
  const role = await startCentral({ bus: net.bus, clock: net.clock, ...central, groups: { main: 'central-group', state: 'central-state', lease: 'central-lease', ...central.groups } });
  return joinNetwork(
    net,
    role,
    CP_SPECS.map((s) => ({ groups: { main: `cp-${s.id}-group` }, rampMs: 1000, ...s })),
    { groups: { main: 'driver-D1-group', state: 'driver-D1-state' }, id: 'DRIVER001' },
    2000,
  );
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
