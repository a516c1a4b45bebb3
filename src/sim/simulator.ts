import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Bus } from '../bus/bus.js';
import { startCentral, type Central } from '../roles/central/index.js';
import { startChargePoint, type ChargePoint } from '../roles/cp/index.js';
import { runSingle, startDriver, type Driver, type ServiceResult } from '../roles/driver/index.js';
import { newCounters, type RoleCounters } from '../roles/shared/counters.js';
import { seededRandom } from '../roles/demo/random.js';
import { LatencyRecorder, type LatencySummary } from './latency.js';
import { SharedSubscriptionBus, type SharedBusStats } from './shared-subscription-bus.js';

export interface SimulatorOptions {
  /** The real bus (Kafka or embedded); the simulator multiplexes it for its roles. */
  bus: Bus;
  cps: number;
  drivers: number;
  /** Heartbeats and telemetry per CP per second. Default 1. */
  rateHz?: number;
  /** How long the drivers keep requesting, charging and stopping, once every CP is registered. */
  durationMs: number;
  groups: {
    /** The one consumer group of this simulator process. */
    shared: string;
    cp: (id: string) => string;
    driver: (id: string) => string;
  };
  /** Also run a central in this process, on the real bus, with these groups. */
  central?: { main: string; state: string; lease: string; heartbeatTimeoutMs?: number } | undefined;
  /** Ids are `<prefix>CP00001`, `<prefix>D00001`. Default `SIM`. */
  idPrefix?: string;
  /** How long a driver charges before it stops: uniform in [min, max] ms. Default 3000-8000. */
  supplyMs?: [number, number];
  /** Pause between one service and the next, ms. Default 200. */
  pauseMs?: number;
  /** Stop starting services after this many requests in all. */
  maxRequests?: number;
  /** CP energy speed-up. Default 1. */
  speed?: number;
  /** A report every this many ms while running (also one at the end). Default 5000; 0: none. */
  reportEveryMs?: number;
  onReport?: (report: SimReport) => void;
  /** Longest wait for every CP to be registered. Default 60000. */
  registerTimeoutMs?: number;
  /** Longest wait, after the deadline, for running supplies to end with their tickets. Default 20000. */
  drainTimeoutMs?: number;
  /** Aborting it ends the run early (the summary still comes). */
  signal?: AbortSignal;
  /** Random seed for supply lengths. */
  seed?: number;
}

export interface SimReport {
  kind: 'sim-report' | 'sim-summary';
  /** ms since the load started (after registration). */
  elapsedMs: number;
  phase: 'starting' | 'running' | 'draining' | 'done';
  cps: number;
  drivers: number;
  rateHz: number;
  registered: number;
  registerMs: number | null;
  /** CPs supplying right now. */
  supplying: number;
  requests: number;
  granted: number;
  denied: number;
  timeouts: number;
  suppliesCompleted: number;
  suppliesInterrupted: number;
  suppliesFailed: number;
  messagesOut: number;
  messagesIn: number;
  /** Records per second sent by the simulated roles over the last interval. */
  outRate: number;
  inRate: number;
  errors: { malformed: number; publishErrors: number; handlerErrors: number; refusedRegistrations: number; failures: string[] };
  authRoundTripMs: LatencySummary;
  /** Request → `driver.supply-started` at the driver. */
  supplyStartedMs: LatencySummary;
  /** Request → first telemetry (`driver.progress`) at the driver. */
  firstTelemetryMs: LatencySummary;
  bus: SharedBusStats;
}

export interface SimResult {
  summary: SimReport;
}

const pad = (n: number) => String(n).padStart(5, '0');

/**
 * N charge points and M drivers in one process, the real role objects over one shared
 * subscription: every driver requests, charges for a while, stops and gets its ticket, in a loop,
 * until the duration is up. Driver i uses the CPs whose index is i modulo M, in turn, so drivers
 * do not compete for CPs (with M ≤ N).
 */
export async function runSimulator(options: SimulatorOptions): Promise<SimResult> {
  const rateHz = options.rateHz ?? 1;
  const periodMs = Math.max(10, Math.round(1000 / rateHz));
  const prefix = options.idPrefix ?? 'SIM';
  const [supplyMin, supplyMax] = options.supplyMs ?? [3000, 8000];
  const pauseMs = options.pauseMs ?? 200;
  const random = seededRandom(options.seed ?? 1);
  const shared = new SharedSubscriptionBus(options.bus, {
    group: options.groups.shared,
    routedTopics: ['cp-register-ack', 'cp-commands', 'auth-response', 'driver-updates'],
    mutedTopics: ['cp-state'],
  });

  const auth = new LatencyRecorder();
  const supplyStarted = new LatencyRecorder();
  const firstTelemetry = new LatencyRecorder();
  const failures: string[] = [];
  const stats = {
    requests: 0,
    granted: 0,
    denied: 0,
    timeouts: 0,
    completed: 0,
    interrupted: 0,
    failed: 0,
    malformed: 0,
    publishErrors: 0,
    refused: 0,
    registered: 0,
  };
  let phase: SimReport['phase'] = 'starting';
  let loadStart = performance.now();
  let registerMs: number | null = null;
  const t0 = performance.now();
  const noteFailure = (text: string) => {
    if (failures.length < 20) failures.push(text);
  };

  let central: Central | null = null;
  const cps: ChargePoint[] = [];
  const drivers: Driver[] = [];
  let closedRoles: RoleCounters = newCounters();
  let lastTotals = { out: 0, in: 0, at: performance.now() };
  let lastOutRate = 0;
  let lastInRate = 0;

  const totals = () => {
    const sum = { ...closedRoles };
    for (const role of [...cps, ...drivers]) {
      const c = role.counters();
      sum.messagesIn += c.messagesIn;
      sum.messagesOut += c.messagesOut;
      sum.malformed += c.malformed;
      sum.duplicates += c.duplicates;
    }
    return sum;
  };
  let supplying = 0;
  const report = (kind: SimReport['kind']): SimReport => {
    const t = totals();
    const now = performance.now();
    const dt = (now - lastTotals.at) / 1000;
    if (dt > 0.2) {
      lastOutRate = Math.round((t.messagesOut - lastTotals.out) / dt);
      lastInRate = Math.round((t.messagesIn - lastTotals.in) / dt);
      lastTotals = { out: t.messagesOut, in: t.messagesIn, at: now };
    }
    return {
      kind,
      elapsedMs: Math.round(now - loadStart),
      phase,
      cps: options.cps,
      drivers: options.drivers,
      rateHz,
      registered: stats.registered,
      registerMs,
      supplying,
      requests: stats.requests,
      granted: stats.granted,
      denied: stats.denied,
      timeouts: stats.timeouts,
      suppliesCompleted: stats.completed,
      suppliesInterrupted: stats.interrupted,
      suppliesFailed: stats.failed,
      messagesOut: t.messagesOut,
      messagesIn: t.messagesIn,
      outRate: lastOutRate,
      inRate: lastInRate,
      errors: {
        malformed: t.malformed,
        publishErrors: stats.publishErrors + shared.stats.publishErrors,
        handlerErrors: shared.stats.handlerErrors,
        refusedRegistrations: stats.refused,
        failures: [...failures],
      },
      authRoundTripMs: auth.summary(),
      supplyStartedMs: supplyStarted.summary(),
      firstTelemetryMs: firstTelemetry.summary(),
      bus: { ...shared.stats },
    };
  };

  const reportEvery = options.reportEveryMs ?? 5000;
  const reportTimer = reportEvery > 0 && options.onReport ? setInterval(() => options.onReport!(report('sim-report')), reportEvery) : null;
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
      });
    }

    // Charge points, in chunks so that their timers (and their heartbeats) spread over time.
    const cpIds = Array.from({ length: options.cps }, (_, i) => `${prefix}CP${pad(i + 1)}`);
    const registered: Promise<unknown>[] = [];
    const chunk = 250;
    for (let i = 0; i < cpIds.length && !stopped.signal.aborted; i += chunk) {
      const started = await Promise.all(
        cpIds.slice(i, i + chunk).map((id) =>
          startChargePoint({
            bus: shared.view(id),
            id,
            groups: { main: options.groups.cp(id) },
            location: `sim ${id}`,
            pricePerKwh: 0.35,
            maxKw: 22,
            speed: options.speed ?? 1,
            heartbeatMs: periodMs,
            telemetryMs: periodMs,
            // No onEvent: a listener makes every telemetry an event object. Refusals show in
            // `registered`, publish failures in the shared bus's stats.
          }),
        ),
      );
      for (const cp of started) {
        cps.push(cp);
        registered.push(
          cp.registered.then((r) => {
            if (r === 'registered') stats.registered++;
            else if (r === 'refused') {
              stats.refused++;
              noteFailure(`${cp.store.getSnapshot().id}: registration refused: ${cp.store.getSnapshot().refusedReason ?? ''}`);
            }
          }),
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(200, periodMs / 4)));
    }
    const regTimeout = options.registerTimeoutMs ?? 60_000;
    let regTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(registered),
      new Promise((r) => (regTimer = setTimeout(r, regTimeout))),
      new Promise((r) => stopped.signal.addEventListener('abort', r, { once: true })),
    ]);
    clearTimeout(regTimer);
    registerMs = Math.round(performance.now() - t0);
    if (stats.registered < cps.length) noteFailure(`${cps.length - stats.registered} of ${cps.length} CPs not registered within ${regTimeout} ms`);

    const driverIds = Array.from({ length: options.drivers }, (_, i) => `${prefix}D${pad(i + 1)}`);
    for (const id of driverIds) {
      drivers.push(await startDriver({ bus: shared.view(id), id, groups: { main: options.groups.driver(id), state: `${options.groups.driver(id)}-state` } }));
    }

    phase = 'running';
    loadStart = performance.now();
    options.onReport?.(report('sim-report'));
    const deadline = loadStart + options.durationMs;
    const timeUp = new AbortController();
    // Every driver loop and its running service listen to it.
    setMaxListeners(0, timeUp.signal);
    const timeUpTimer = setTimeout(() => timeUp.abort(), options.durationMs);
    stopped.signal.addEventListener('abort', () => timeUp.abort(), { once: true });

    const loop = async (driver: Driver, index: number) => {
      const mine = cpIds.filter((_, c) => c % options.drivers === index % options.drivers);
      const targets = mine.length > 0 ? mine : [cpIds[index % cpIds.length]!];
      let turn = 0;
      // Spread the first requests over a second so they do not arrive as one burst.
      await sleep(random() * Math.min(1000, periodMs), timeUp.signal);
      while (!timeUp.signal.aborted && performance.now() < deadline) {
        if (options.maxRequests !== undefined && stats.requests >= options.maxRequests) return;
        const cpId = targets[turn++ % targets.length]!;
        let requestAt = 0;
        let sessionId: string | null = null;
        let sawStart = false;
        let sawTelemetry = false;
        const unlisten = driver.onEvent((e) => {
          const now = performance.now();
          switch (e.kind) {
            case 'granted':
              if (requestAt > 0 && sessionId === null) {
                stats.granted++;
                auth.add(now - requestAt);
                sessionId = String(e.data['sessionId']);
                supplying++;
              }
              return;
            case 'denied':
              if (requestAt > 0) {
                stats.denied++;
                auth.add(now - requestAt);
              }
              return;
            case 'timeout':
              stats.timeouts++;
              return;
            case 'supply-started':
              if (!sawStart && e.data['sessionId'] === sessionId) {
                sawStart = true;
                supplyStarted.add(now - requestAt);
              }
              return;
            case 'progress':
              if (!sawTelemetry && e.data['sessionId'] === sessionId) {
                sawTelemetry = true;
                firstTelemetry.add(now - requestAt);
              }
              return;
            case 'publish-error':
              stats.publishErrors++;
              return;
            default:
              return;
          }
        });
        let result: ServiceResult;
        try {
          result = await runSingle(driver, {
            cpId,
            stopAfterMs: Math.round(supplyMin + random() * (supplyMax - supplyMin)),
            signal: timeUp.signal,
            onEvent: (e) => {
              if (e.kind === 'service-start') {
                stats.requests++;
                requestAt = performance.now();
              }
            },
          });
        } finally {
          unlisten();
          if (sessionId !== null) supplying--;
        }
        if (result.status === 'completed') stats.completed++;
        else if (result.status === 'interrupted') {
          stats.interrupted++;
          noteFailure(`${driver.id} at ${cpId}: interrupted (${result.ticket.reason})`);
        } else if (result.status === 'failed') {
          stats.failed++;
          noteFailure(`${driver.id} at ${cpId}: ${result.reason}`);
        }
        await sleep(pauseMs, timeUp.signal);
      }
    };
    const loops = drivers.map((d, i) => loop(d, i).catch((e) => noteFailure(`driver loop: ${String(e)}`)));
    // Without drivers the CPs still heartbeat for the whole duration.
    await Promise.race([new Promise((r) => timeUp.signal.addEventListener('abort', r, { once: true })), ...(loops.length > 0 ? [Promise.all(loops)] : [])]);
    clearTimeout(timeUpTimer);
    timeUp.abort();
    phase = 'draining';
    // runSingle stops a supply on abort and waits for its ticket; bound that wait.
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(loops), new Promise((r) => (drainTimer = setTimeout(r, options.drainTimeoutMs ?? 20_000)))]);
    clearTimeout(drainTimer);
  } finally {
    if (reportTimer) clearInterval(reportTimer);
    options.signal?.removeEventListener('abort', onAbort);
    const final = totals();
    for (const d of drivers) await d.close().catch(() => {});
    await Promise.all(cps.map((cp) => cp.close().catch(() => {})));
    closedRoles = final;
    cps.length = 0;
    drivers.length = 0;
    await central?.close().catch(() => {});
    await shared.close();
  }
  phase = 'done';
  const summary = report('sim-summary');
  return { summary };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
