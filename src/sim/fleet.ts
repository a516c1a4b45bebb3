import { performance } from 'node:perf_hooks';
import { startChargePoint, type ChargePoint } from '../roles/cp/index.js';
import { startDriver, type Driver } from '../roles/driver/index.js';
import { untilAborted } from './abort.js';
import type { SimMetrics } from './metrics.js';
import type { SharedSubscriptionBus } from '../bus/shared-subscription-bus.js';
import type { SimSettings } from './settings.js';
import type { SimulatorOptions } from './types.js';

/** CPs started at once: their timers (and so their heartbeats) spread over the pauses between. */
const CHUNK = 250;

/**
 * Starts every CP on its own view of the shared bus and waits, at most registerTimeoutMs, for
 * central to answer them all. Started CPs go into `cps` as they come, so a run stopped halfway
 * still closes them.
 */
export async function startCps(
  options: SimulatorOptions,
  settings: SimSettings,
  shared: SharedSubscriptionBus,
  metrics: SimMetrics,
  cps: ChargePoint[],
  stopped: AbortSignal,
): Promise<void> {
  const { stats } = metrics;
  const registered: Promise<unknown>[] = [];
  for (let i = 0; i < settings.cpIds.length && !stopped.aborted; i += CHUNK) {
    const started = await Promise.all(
      settings.cpIds.slice(i, i + CHUNK).map((id) =>
        startChargePoint({
          bus: shared.view(id),
          id,
          groups: { main: options.groups.cp(id) },
          location: `sim ${id}`,
          pricePerKwh: 0.35,
          maxKw: 22,
          speed: options.speed ?? 1,
          heartbeatMs: settings.periodMs,
          telemetryMs: settings.periodMs,
          ...(options.trustOf && { trust: options.trustOf('cp', id) }),
          // No onEvent: a listener makes every telemetry an event object. Refusals show in
          // `registered`, publish failures in the shared bus's stats.
        }),
      ),
    );
    for (const cp of started) {
      cps.push(cp);
      metrics.watch(cp);
      registered.push(
        cp.registered.then((r) => {
          if (r === 'registered') stats.registered++;
          else if (r === 'refused') {
            stats.refused++;
            metrics.noteFailure(`${cp.store.getSnapshot().id}: registration refused: ${cp.store.getSnapshot().refusedReason ?? ''}`);
          }
        }),
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(200, settings.periodMs / 4)));
  }
  const regTimeout = options.registerTimeoutMs ?? 60_000;
  let regTimer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(registered), new Promise((r) => (regTimer = setTimeout(r, regTimeout))), untilAborted(stopped)]);
  clearTimeout(regTimer);
  metrics.registerMs = Math.round(performance.now() - metrics.startedAt);
  if (stats.registered < cps.length) metrics.noteFailure(`${cps.length - stats.registered} of ${cps.length} CPs not registered within ${regTimeout} ms`);
}

/** Starts every driver, one after another, each on its own view of the shared bus. */
export async function startDrivers(options: SimulatorOptions, settings: SimSettings, shared: SharedSubscriptionBus, metrics: SimMetrics, drivers: Driver[]): Promise<void> {
  for (const id of settings.driverIds) {
    const driver = await startDriver({ bus: shared.view(id), id, groups: { main: options.groups.driver(id), state: `${options.groups.driver(id)}-state` },
      ...(options.trustOf && { trust: options.trustOf('driver', id) }),
    });
    drivers.push(driver);
    metrics.watch(driver);
  }
}
