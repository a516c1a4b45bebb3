import { randomUUID } from 'node:crypto';
import type { Bus, IncomingRecord, Subscription } from '../bus/bus.js';
import type { SharedSubscriptionBus } from '../bus/shared-subscription-bus.js';
import { decodeRecord, encodeMessage, type PayloadOf } from '../protocol/index.js';
import type { AuthOutcome } from './mapping.js';
import { idTagProblem } from './mapping.js';

/** After giving up on an answer, how long a late one is still listened for (and a late grant stopped). */
const LATE_ANSWER_WINDOW_MS = 120_000;

/**
 * The gateway as the driver an idTag stands for: a `driver.request` to central on auth-request,
 * the answer read from auth-response (keyed by the driver id) through the gateway's one shared
 * subscription. One request per call; a record that does not decode is counted and skipped.
 */
export class DriverLink {
  malformed = 0;

  constructor(
    private readonly shared: SharedSubscriptionBus,
    private readonly answerTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async authorize(idTag: string, cpId: string): Promise<AuthOutcome> {
    const problem = idTagProblem(idTag);
    if (problem) return { kind: 'bad-id', reason: problem };
    const requestId = randomUUID();
    const view = this.shared.view(idTag);
    let gaveUp = false;
    let settle: (o: AuthOutcome) => void = () => {};
    const answered = new Promise<AuthOutcome>((resolve) => (settle = resolve));
    let sub: Subscription | null = null;
    let lateTimer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(lateTimer);
      void sub?.close().catch(() => {});
    };
    const onRecords = async (records: IncomingRecord[]) => {
      for (const record of records) {
        const decoded = decodeRecord(record);
        if (!decoded.ok) {
          this.malformed++;
          continue;
        }
        const m = decoded.message;
        if (m.type !== 'auth.response' || m.payload.requestId !== requestId) continue;
        const p = m.payload;
        if (!gaveUp) {
          settle(p.granted ? { kind: 'granted', sessionId: p.sessionId } : { kind: 'denied', code: p.code, reason: p.reason });
          continue;
        }
        // The station was told Invalid already: a grant that comes later must not leave a supply open.
        if (p.granted) await this.publish(view, 'driver.stop', idTag, { requestId: randomUUID(), driverId: idTag, sessionId: p.sessionId });
        done();
      }
    };
    const timer = setTimeout(() => settle({ kind: 'no-answer' }), this.answerTimeoutMs);
    try {
      sub = await view.subscribe({ group: 'ocpp-driver', topics: ['auth-response'] }, onRecords);
      await sub.ready;
      await this.publish(view, 'driver.request', idTag, { requestId, driverId: idTag, cpId });
      const outcome = await answered;
      if (outcome.kind !== 'no-answer') done();
      else {
        gaveUp = true;
        lateTimer = setTimeout(done, LATE_ANSWER_WINDOW_MS);
        lateTimer.unref();
      }
      return outcome;
    } catch {
      done();
      return { kind: 'no-answer' };
    } finally {
      clearTimeout(timer);
    }
  }

  private async publish<T extends 'driver.request' | 'driver.stop'>(view: Bus, type: T, idTag: string, payload: PayloadOf<T>): Promise<void> {
    await view.publish([encodeMessage(type, `driver:${idTag}`, payload, this.now())]).catch(() => {});
  }
}
