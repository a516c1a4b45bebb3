import { performance } from 'node:perf_hooks';
import { newCounters, type RoleCounters } from '../roles/shared/counters.js';
import { LatencyRecorder } from './latency.js';
import type { SharedBusStats } from '../bus/shared-subscription-bus.js';
import type { SimReport } from './types.js';

/** A simulated role, as far as the report needs it. */
export interface CountedRole {
  counters(): RoleCounters;
}

/** How many failures the report lists by name; the counts go on past it. */
const FAILURES_KEPT = 20;

/** Everything a run counts and measures, and the report made of it. */
export class SimMetrics {
  readonly auth = new LatencyRecorder();
  /** Request → `driver.supply-started` at the driver. */
  readonly supplyStarted = new LatencyRecorder();
  /** Request → first telemetry (`driver.progress`) at the driver. */
  readonly firstTelemetry = new LatencyRecorder();
  readonly stats = {
    requests: 0,
    granted: 0,
    denied: 0,
    timeouts: 0,
    completed: 0,
    interrupted: 0,
    failed: 0,
    publishErrors: 0,
    refused: 0,
    registered: 0,
  };
  /** CPs supplying right now (granted and not yet over, as their drivers see it). */
  supplying = 0;
  phase: SimReport['phase'] = 'starting';
  /** Reports count elapsed time from here: set again when the load starts, after registration. */
  loadStart = performance.now();
  registerMs: number | null = null;
  readonly startedAt = performance.now();
  private readonly failures: string[] = [];
  private roles: CountedRole[] = [];
  /** What closed roles counted: their counters go with them. */
  private retired: RoleCounters = newCounters();
  private last = { out: 0, in: 0, at: performance.now(), outRate: 0, inRate: 0 };

  constructor(
    private readonly shape: { cps: number; drivers: number; rateHz: number },
    private readonly bus: { readonly stats: SharedBusStats },
  ) {}

  watch(role: CountedRole): void {
    this.roles.push(role);
  }

  /** The roles are about to close: what they counted so far stays in the totals. */
  retire(): void {
    this.retired = this.totals();
    this.roles = [];
  }

  noteFailure(text: string): void {
    if (this.failures.length < FAILURES_KEPT) this.failures.push(text);
  }

  totals(): RoleCounters {
    const sum = { ...this.retired };
    for (const role of this.roles) {
      const c = role.counters();
      sum.messagesIn += c.messagesIn;
      sum.messagesOut += c.messagesOut;
      sum.malformed += c.malformed;
      sum.duplicates += c.duplicates;
    }
    return sum;
  }

  report(kind: SimReport['kind']): SimReport {
    const t = this.totals();
    const now = performance.now();
    const dt = (now - this.last.at) / 1000;
    // Reports close together would give noisy rates: keep the last ones until 0.2 s have passed.
    if (dt > 0.2) {
      this.last = {
        out: t.messagesOut,
        in: t.messagesIn,
        at: now,
        outRate: Math.round((t.messagesOut - this.last.out) / dt),
        inRate: Math.round((t.messagesIn - this.last.in) / dt),
      };
    }
    const { stats, bus } = this;
    return {
      kind,
      elapsedMs: Math.round(now - this.loadStart),
      phase: this.phase,
      cps: this.shape.cps,
      drivers: this.shape.drivers,
      rateHz: this.shape.rateHz,
      registered: stats.registered,
      registerMs: this.registerMs,
      supplying: this.supplying,
      requests: stats.requests,
      granted: stats.granted,
      denied: stats.denied,
      timeouts: stats.timeouts,
      suppliesCompleted: stats.completed,
      suppliesInterrupted: stats.interrupted,
      suppliesFailed: stats.failed,
      messagesOut: t.messagesOut,
      messagesIn: t.messagesIn,
      outRate: this.last.outRate,
      inRate: this.last.inRate,
      errors: {
        malformed: t.malformed,
        publishErrors: stats.publishErrors + bus.stats.publishErrors,
        handlerErrors: bus.stats.handlerErrors,
        refusedRegistrations: stats.refused,
        failures: [...this.failures],
      },
      authRoundTripMs: this.auth.summary(),
      supplyStartedMs: this.supplyStarted.summary(),
      firstTelemetryMs: this.firstTelemetry.summary(),
      bus: { ...bus.stats },
    };
  }
}
