import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { startCentral, type Central } from '../roles/central/index.js';
import type { ChargePoint } from '../roles/cp/index.js';
import type { Driver } from '../roles/driver/index.js';
import { untilAborted } from './abort.js';
import { driverLoop } from './driver-loop.js';
import { startCps, startDrivers } from './fleet.js';
import { SimMetrics } from './metrics.js';
import { cpsOfDriver, simSettings } from './settings.js';
import { SharedSubscriptionBus } from '../bus/shared-subscription-bus.js';
import type { SimResult, SimulatorOptions } from './types.js';

export type { SimReport, SimResult, SimulatorOptions } from './types.js';

/**
 * N charge points and M drivers in one process, the real role objects over one shared
 * subscription: every driver requests, charges for a while, stops and gets its ticket, in a loop,
 * until the duration is up. Driver i uses the CPs whose index is i modulo M, in turn, so drivers
 * do not compete for CPs (with M ≤ N).
 */
export async function runSimulator(options: SimulatorOptions): Promise<SimResult> {
  const settings = simSettings(options);
  const shared = new SharedSubscriptionBus(options.bus, {
    group: options.groups.shared,
    routedTopics: ['cp-register-ack', 'cp-commands', 'auth-response', 'driver-updates'],
    mutedTopics: ['cp-state'],
  });
  const metrics = new SimMetrics({ cps: options.cps, drivers: options.drivers, rateHz: settings.rateHz }, shared);
  let central: Central | null = null;
  const cps: ChargePoint[] = [];
  const drivers: Driver[] = [];

  const reportEvery = options.reportEveryMs ?? 5000;
  const reportTimer = reportEvery > 0 && options.onReport ? setInterval(() => options.onReport!(metrics.report('sim-report')), reportEvery) : null;
  const stopped = new AbortController();
  setMaxListeners(0, stopped.signal);
  const onAbort = () => stopped.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stopped.abort();

  try {
    await shared.start();
    if (options.central) {
      central = await startCentral({
        bus: options.bus,
        groups: { main: options.central.main, state: options.central.state, lease: options.central.lease },
        ...(options.central.heartbeatTimeoutMs !== undefined && { heartbeatTimeoutMs: options.central.heartbeatTimeoutMs }),
        ...(options.central.trust && { trust: options.central.trust }),
      });
    }
    await startCps(options, settings, shared, metrics, cps, stopped.signal);
    await startDrivers(options, settings, shared, metrics, drivers);

    metrics.phase = 'running';
    metrics.loadStart = performance.now();
    options.onReport?.(metrics.report('sim-report'));
    const deadline = metrics.loadStart + options.durationMs;
    const timeUp = new AbortController();
    // Every driver loop and its running service listen to it.
    setMaxListeners(0, timeUp.signal);
    const timeUpTimer = setTimeout(() => timeUp.abort(), options.durationMs);
    stopped.signal.addEventListener('abort', () => timeUp.abort(), { once: true });

    const loops = drivers.map((driver, i) =>
      driverLoop(driver, {
        settings,
        metrics,
        targets: cpsOfDriver(settings.cpIds, options.drivers, i),
        deadline,
        maxRequests: options.maxRequests,
        timeUp: timeUp.signal,
      }).catch((e) => metrics.noteFailure(`driver loop: ${String(e)}`)),
    );
    // Without drivers the CPs still heartbeat for the whole duration.
    await Promise.race([untilAborted(timeUp.signal), ...(loops.length > 0 ? [Promise.all(loops)] : [])]);
    clearTimeout(timeUpTimer);
    timeUp.abort();
    metrics.phase = 'draining';
    // runSingle stops a supply on abort and waits for its ticket; bound that wait.
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(loops), new Promise((r) => (drainTimer = setTimeout(r, options.drainTimeoutMs ?? 20_000)))]);
    clearTimeout(drainTimer);
  } finally {
    if (reportTimer) clearInterval(reportTimer);
    options.signal?.removeEventListener('abort', onAbort);
    metrics.retire();
    for (const d of drivers) await d.close().catch(() => {});
    await Promise.all(cps.map((cp) => cp.close().catch(() => {})));
    await central?.close().catch(() => {});
    await shared.close();
  }
  metrics.phase = 'done';
  return { summary: metrics.report('sim-summary') };
}
