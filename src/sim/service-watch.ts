import { performance } from 'node:perf_hooks';
import type { Driver } from '../roles/driver/index.js';
import type { SimMetrics } from './metrics.js';

export interface ServiceWatch {
  /** The driver has sent its request: latencies count from now. */
  requested(): void;
  /** The service is over: stop listening, and it no longer counts as supplying. */
  close(): void;
}

/**
 * Measures one service of one driver from its events: the auth round trip, request → supply
 * started, request → first telemetry. Only the first of each counts, and only for the session
 * this service was granted (a driver's events of an earlier session may still come).
 */
export function watchService(driver: Driver, metrics: SimMetrics): ServiceWatch {
  const { stats } = metrics;
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
          metrics.auth.add(now - requestAt);
          sessionId = String(e.data['sessionId']);
          metrics.supplying++;
        }
        return;
      case 'denied':
        if (requestAt > 0) {
          stats.denied++;
          metrics.auth.add(now - requestAt);
        }
        return;
      case 'timeout':
        stats.timeouts++;
        return;
      case 'supply-started':
        if (!sawStart && e.data['sessionId'] === sessionId) {
          sawStart = true;
          metrics.supplyStarted.add(now - requestAt);
        }
        return;
      case 'progress':
        if (!sawTelemetry && e.data['sessionId'] === sessionId) {
          sawTelemetry = true;
          metrics.firstTelemetry.add(now - requestAt);
        }
        return;
      case 'publish-error':
        stats.publishErrors++;
        return;
      default:
        return;
    }
  });
  return {
    requested: () => {
      stats.requests++;
      requestAt = performance.now();
    },
    close: () => {
      unlisten();
      if (sessionId !== null) metrics.supplying--;
    },
  };
}
