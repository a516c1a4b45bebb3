import { randomUUID } from 'node:crypto';
import type { IncomingRecord, Subscription } from '../bus/bus.js';
import type { SharedSubscriptionBus } from '../bus/shared-subscription-bus.js';
import { decodeRecord, encodeMessage } from '../protocol/index.js';
import type { AuthOutcome } from './mapping.js';
import { idTagProblem } from './mapping.js';

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
    let settle: (o: AuthOutcome) => void = () => {};
    const answered = new Promise<AuthOutcome>((resolve) => (settle = resolve));
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
        settle(p.granted ? { kind: 'granted', sessionId: p.sessionId } : { kind: 'denied', code: p.code, reason: p.reason });
      }
    };
    let sub: Subscription | null = null;
    const timer = setTimeout(() => settle({ kind: 'no-answer' }), this.answerTimeoutMs);
    try {
      sub = await view.subscribe({ group: 'ocpp-driver', topics: ['auth-response'] }, onRecords);
      await sub.ready;
      await view.publish([encodeMessage('driver.request', `driver:${idTag}`, { requestId, driverId: idTag, cpId }, this.now())]);
      return await answered;
    } catch {
      return { kind: 'no-answer' };
    } finally {
      clearTimeout(timer);
      await sub?.close();
    }
  }
}
