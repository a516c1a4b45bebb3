import { systemClock, type Clock } from '../../bus/clock.js';
import type { RoleEvent } from '../shared/events.js';
import type { Driver } from './driver.js';
import { describeResult, resultFromRefusal, resultFromTicket, type ServiceResult } from './service-result.js';

/** How long a stopped supply's ticket is waited for: the stop and the ticket may have to wait out a cluster outage. */
export const TICKET_TIMEOUT_MS = 60_000;

export type RunnerEventKind = 'service-start' | 'stop-reached' | 'service-result' | 'pause' | 'run-done';

export interface SingleRunOptions {
  cpId: string;
  /** Stop the supply once the delivered energy reaches this many kWh. */
  stopAtKwh?: number;
  /** Stop the supply this long after the grant. */
  stopAfterMs?: number;
  /** Ctrl-C: stops the supply cleanly and still waits for the ticket. */
  signal?: AbortSignal;
  clock?: Clock;
  /** After asking to stop, fail if no ticket arrives within this long. Default TICKET_TIMEOUT_MS. */
  ticketTimeoutMs?: number;
  /** While supplying, fail if nothing at all arrives from central for this long. Default 90000: a cluster outage of a minute must not fail a supply the CP goes on delivering. */
  idleTimeoutMs?: number;
  onEvent?: (event: RoleEvent<RunnerEventKind>) => void;
}

/** One service at one CP: request, supply (stopping on kWh, time or abort), ticket. */
export async function runSingle(driver: Driver, options: SingleRunOptions): Promise<ServiceResult> {
  const clock = options.clock ?? systemClock;
  const { cpId } = options;
  const emit = (kind: RunnerEventKind, text: string, data: Record<string, unknown>) =>
    options.onEvent?.({ at: clock.now(), kind, text, data });
  const finish = (result: ServiceResult): ServiceResult => {
    emit('service-result', describeResult(result), { ...result });
    return result;
  };

  emit('service-start', `requesting ${cpId}`, { cpId });
  const answer = await driver.request(cpId);
  if (!answer.granted) return finish(resultFromRefusal(answer));
  const { sessionId } = answer;

  return new Promise<ServiceResult>((resolve) => {
    const timers: unknown[] = [];
    let idleTimer: unknown = null;
    let done = false;
    let stopping = false;
    const cleanup: (() => void)[] = [];

    const settle = (result: ServiceResult) => {
      if (done) return;
      done = true;
      for (const t of timers) clock.clearTimeout(t);
      if (idleTimer !== null) clock.clearTimeout(idleTimer);
      for (const c of cleanup) c();
      resolve(finish(result));
    };
    const armIdle = () => {
      if (idleTimer !== null) clock.clearTimeout(idleTimer);
      const ms = options.idleTimeoutMs ?? 90_000;
      idleTimer = clock.setTimeout(() => settle({ status: 'failed', cpId, reason: `no update from central for ${ms} ms` }), ms);
    };
    const stop = (why: string) => {
      if (stopping || done) return;
      stopping = true;
      emit('stop-reached', `stopping the supply at ${cpId} (${why})`, { cpId, why });
      const ms = options.ticketTimeoutMs ?? TICKET_TIMEOUT_MS;
      timers.push(clock.setTimeout(() => settle({ status: 'failed', cpId, reason: `no ticket within ${ms} ms of stopping` }), ms));
      void driver.stopSupply(sessionId);
    };

    cleanup.push(
      driver.onEvent((event) => {
        if (event.data['sessionId'] !== sessionId) return;
        armIdle();
        const kwh = event.data['kwh'];
        if (event.kind === 'progress' && options.stopAtKwh !== undefined && typeof kwh === 'number' && kwh >= options.stopAtKwh) {
          stop(`${kwh.toFixed(3)} kWh reached`);
        }
      }),
    );
    if (options.stopAfterMs !== undefined) timers.push(clock.setTimeout(() => stop(`${options.stopAfterMs} ms elapsed`), options.stopAfterMs));
    if (options.signal) {
      const onAbort = () => stop('interrupted');
      if (options.signal.aborted) onAbort();
      else {
        options.signal.addEventListener('abort', onAbort, { once: true });
        cleanup.push(() => options.signal?.removeEventListener('abort', onAbort));
      }
    }
    armIdle();
    void driver.ticketFor(sessionId).then((ticket) => {
      if (ticket) settle(resultFromTicket(cpId, ticket));
      else settle({ status: 'failed', cpId, reason: 'driver closed before the ticket arrived' });
    });
  });
}
