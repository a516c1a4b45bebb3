import { performance } from 'node:perf_hooks';
import { runSingle, type Driver, type ServiceResult } from '../roles/driver/index.js';
import { sleep } from './abort.js';
import type { SimMetrics } from './metrics.js';
import { watchService } from './service-watch.js';
import type { SimSettings } from './settings.js';

export interface DriverLoopOptions {
  settings: SimSettings;
  metrics: SimMetrics;
  /** The CPs this driver charges at, in turn. */
  targets: readonly string[];
  /** performance.now() after which no new service starts. */
  deadline: number;
  maxRequests: number | undefined;
  /** Time is up: the running service stops (runSingle ends its supply) and the loop ends. */
  timeUp: AbortSignal;
}

/** One driver's run: request, charge for a while, stop, get the ticket, pause; again until time is up. */
export async function driverLoop(driver: Driver, o: DriverLoopOptions): Promise<void> {
  const { settings, metrics, timeUp } = o;
  const { stats } = metrics;
  const [supplyMin, supplyMax] = settings.supplyMs;
  let turn = 0;
  // Spread the first requests over a second so they do not arrive as one burst.
  await sleep(settings.random() * Math.min(1000, settings.periodMs), timeUp);
  while (!timeUp.aborted && performance.now() < o.deadline) {
    if (o.maxRequests !== undefined && stats.requests >= o.maxRequests) return;
    const cpId = o.targets[turn++ % o.targets.length]!;
    const watch = watchService(driver, metrics);
    let result: ServiceResult;
    try {
      result = await runSingle(driver, {
        cpId,
        stopAfterMs: Math.round(supplyMin + settings.random() * (supplyMax - supplyMin)),
        signal: timeUp,
        onEvent: (e) => {
          if (e.kind === 'service-start') watch.requested();
        },
      });
    } finally {
      watch.close();
    }
    if (result.status === 'completed') stats.completed++;
    else if (result.status === 'interrupted') {
      stats.interrupted++;
      metrics.noteFailure(`${driver.id} at ${cpId}: interrupted (${result.ticket.reason})`);
    } else if (result.status === 'failed') {
      stats.failed++;
      metrics.noteFailure(`${driver.id} at ${cpId}: ${result.reason}`);
    }
    await sleep(settings.pauseMs, timeUp);
  }
}
