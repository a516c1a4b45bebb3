import type { Bus } from '../../bus/bus.js';
import { systemClock, type Clock } from '../../bus/clock.js';
import { startCentral, type Central, type CentralEventKind, type CentralOptions } from '../central/index.js';
import type { RoleEvent } from '../shared/events.js';
import { startChargePoint, type ChargePoint } from '../cp/index.js';
import { runSingle, startDriver, type Driver } from '../driver/index.js';
import { between, pick, seededRandom } from './random.js';

export interface DemoOptions {
  bus: Bus;
  /**
   * Central's own bus, when it needs one: on Kafka a bus that campaigns for central publishes
   * only while its central is active, and the demo's CPs and drivers must not wait on that.
   * Default `bus`.
   */
  centralBus?: Bus;
  clock?: Clock;
  /** Default 12. */
  cpCount?: number;
  /** Default 4. */
  driverCount?: number;
  /** Energy speed-up of the simulated CPs. Default 20. */
  speed?: number;
  /** Roughly how often some CP faults (it recovers 8 s later). Default 45000; 0 disables. */
  faultEveryMs?: number;
  /**
   * Put before every CP and driver id (`DEMO-CP001`), so a demo on a real network's cluster
   * cannot take a real role's id. Default none (the embedded bus has only the demo on it).
   */
  idPrefix?: string;
  /**
   * Group names. Default: the demo's own (`demo-...`). On a real network's cluster the demo's
   * central joins the network's election, so one central serves demo and real roles alike.
   */
  groups?: {
    central?: CentralOptions['groups'];
    cp?: (id: string) => string;
    driver?: (id: string) => { main: string; state: string };
  };
  /** Central's settings from the config (heartbeat timeout, health partitions, takeover). */
  centralSettings?: Pick<CentralOptions, 'heartbeatTimeoutMs' | 'healthPartitions' | 'takeoverTimeoutMs' | 'configSource'>;
  seed?: number;
  /** Central's events, from its start on (the demo's story is central's event log). */
  onEvent?: (event: RoleEvent<CentralEventKind>) => void;
}

export interface Demo {
  central: Central;
  cps: ChargePoint[];
  drivers: Driver[];
  close(): Promise<void>;
}

/** The demo's ids on a real network's cluster: `DEMO-CP001`, `DEMO-DRIVER001`. */
export const DEMO_ID_PREFIX = 'DEMO-';

const PLACES = ['Harbour', 'Old Town', 'Station', 'Airport', 'Mall', 'University', 'Hospital', 'Stadium', 'Market', 'Park', 'Museum', 'Beach'];

/**
 * A whole network on one bus: central, simulated CPs and drivers that request, charge and stop on
 * their own, and an occasional fault and recovery. The role objects are the real ones.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const { bus } = options;
  const clock = options.clock ?? systemClock;
  const random = seededRandom(options.seed ?? 7);
  const idPrefix = options.idPrefix ?? '';
  const groups = {
    central: options.groups?.central ?? { main: 'demo-central-group', state: `demo-central-group-state-${Math.floor(random() * 1e9).toString(36)}`, lease: 'demo-central-group-lease', audit: 'demo-central-group-audit' },
    cp: options.groups?.cp ?? ((id: string) => `demo-cp-${id}-group`),
    driver: options.groups?.driver ?? ((id: string) => ({ main: `demo-driver-${id}-group`, state: `demo-driver-${id}-state` })),
  };
  let closed = false;
  const sleeps = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        sleeps.delete(wake);
        clock.clearTimeout(handle);
        resolve();
      };
      const handle = clock.setTimeout(wake, ms);
      sleeps.add(wake);
    });

  const central = await startCentral({
    bus: options.centralBus ?? bus,
    clock,
    groups: groups.central,
    ...options.centralSettings,
    ...(options.onEvent && { onEvent: options.onEvent }),
  });
  const cps: ChargePoint[] = [];
  for (let i = 1; i <= (options.cpCount ?? 12); i++) {
    const id = `${idPrefix}CP${String(i).padStart(3, '0')}`;
    cps.push(
      await startChargePoint({
        bus,
        clock,
        groups: { main: groups.cp(id) },
        id,
        location: PLACES[(i - 1) % PLACES.length]!,
        pricePerKwh: Math.round(between(random, 0.25, 0.6) * 100) / 100,
        maxKw: pick(random, [7.4, 11, 22, 50, 150])!,
        speed: options.speed ?? 20,
      }),
    );
  }
  // The demo's drivers charge at its own CPs only: on a real network's cluster the others are someone's.
  const ownIds = new Set(cps.map((cp) => cp.store.getSnapshot().id));
  const drivers: Driver[] = [];
  for (let i = 1; i <= (options.driverCount ?? 4); i++) {
    const id = `${idPrefix}DRIVER${String(i).padStart(3, '0')}`;
    drivers.push(await startDriver({ bus, clock, id, groups: groups.driver(id) }));
  }

  const driverLoop = async (driver: Driver) => {
    while (!closed) {
      await sleep(between(random, 1000, 5000));
      if (closed) return;
      const free = driver.store.getSnapshot().cps.filter((cp) => cp.state === 'AVAILABLE' && ownIds.has(cp.id));
      const target = pick(random, free);
      if (!target) continue;
      await runSingle(driver, { cpId: target.id, stopAfterMs: between(random, 5000, 20000), clock });
    }
  };
  const loops = drivers.map((d) => driverLoop(d).catch(() => undefined));

  const faultEveryMs = options.faultEveryMs ?? 45_000;
  const faultTimer =
    faultEveryMs > 0
      ? clock.setInterval(() => {
          const cp = pick(random, cps.filter((c) => !c.store.getSnapshot().faulted));
          if (!cp) return;
          void (async () => {
            await cp.fault('simulated failure');
            await sleep(8000);
            if (!closed) await cp.recover();
          })();
        }, faultEveryMs)
      : null;

  return {
    central,
    cps,
    drivers,
    close: async () => {
      if (closed) return;
      closed = true;
      if (faultTimer !== null) clock.clearInterval(faultTimer);
      for (const wake of [...sleeps]) wake();
      for (const d of drivers) await d.close();
      await Promise.all(loops);
      for (const cp of cps) await cp.close();
      await central.close();
    },
  };
}
