import { seededRandom } from '../roles/demo/random.js';
import type { SimulatorOptions } from './types.js';

/** The options with their defaults applied, and the ids of every simulated role. */
export interface SimSettings {
  rateHz: number;
  /** Heartbeat and telemetry period of every CP (at least 10 ms, whatever the rate). */
  periodMs: number;
  supplyMs: [number, number];
  pauseMs: number;
  cpIds: string[];
  driverIds: string[];
  /** One seeded stream for the whole run: the same seed gives the same supply lengths. */
  random: () => number;
}

const pad = (n: number) => String(n).padStart(5, '0');

/** The ids of a run's players: `<prefix>CP00001…`, `<prefix>D00001…`. */
export function simIds(cps: number, drivers: number, prefix = 'SIM'): { cpIds: string[]; driverIds: string[] } {
  return {
    cpIds: Array.from({ length: cps }, (_, i) => `${prefix}CP${pad(i + 1)}`),
    driverIds: Array.from({ length: drivers }, (_, i) => `${prefix}D${pad(i + 1)}`),
  };
}

export function simSettings(options: SimulatorOptions): SimSettings {
  const rateHz = options.rateHz ?? 1;
  return {
    rateHz,
    periodMs: Math.max(10, Math.round(1000 / rateHz)),
    supplyMs: options.supplyMs ?? [3000, 8000],
    pauseMs: options.pauseMs ?? 200,
    ...simIds(options.cps, options.drivers, options.idPrefix),
    random: seededRandom(options.seed ?? 1),
  };
}

/**
 * The CPs driver `index` (of `drivers`) charges at, in turn: those whose index is the driver's
 * modulo the number of drivers, so drivers do not compete for CPs while there are enough of them.
 * With more drivers than CPs a driver shares one CP with others.
 */
export function cpsOfDriver(cpIds: readonly string[], drivers: number, index: number): string[] {
  const mine = cpIds.filter((_, c) => c % drivers === index % drivers);
  return mine.length > 0 ? mine : [cpIds[index % cpIds.length]!];
}
