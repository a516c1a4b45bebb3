/**
 * Refuses a sealed record that was already accepted (a replay, on the same partition or another)
 * and one whose seal time is far from its record's time (a stale copy written again later).
 *
 * Every writer seals with a counter that only grows per key and topic: it starts from its clock
 * in microseconds, so a writer that restarts under the same key still goes on above everything it
 * sealed before. A reader accepts a counter only above the highest it accepted for that key and
 * topic. Freshness is judged against the record's own timestamp, not the reader's clock, so a
 * reader working through a backlog (a restarted central) does not refuse honest old records: a
 * replay is a new record, with a new timestamp, around an old seal.
 */
/** `again`: the very last record accepted under this key, once more (a producer's retry, or a copy of it). */
export type ReplayFailure = 'replay' | 'stale' | 'again';

export type ReplayVerdict = { ok: true } | { ok: false; code: ReplayFailure; reason: string };

/** Where a record sits: its topic and partition (`log`) and its offset there. */
export interface LogPosition {
  log: string;
  offset: number;
}

export class ReplayGuard {
  private readonly highest = new Map<string, number>();
  /** Per topic and partition, the offsets checked, lowest to highest: anything within is a re-read. */
  private readonly checked = new Map<string, { from: number; upTo: number }>();
  /** The verdicts that were not ok, by position, so a re-read gets the same one. */
  private readonly notOk = new Map<string, ReplayVerdict>();

  constructor(
    private readonly windowMs: number,
    /** Keys remembered at most; the oldest are dropped first (their next record is accepted once). */
    private readonly maxEntries = 200_000,
  ) {}

  /**
   * `at`: where the record sits. The log never changes, so a record read again from the same
   * position (a batch whose transaction aborted, a rebalance) is the very record judged before:
   * it gets the same verdict, not "replay", and is applied again. A replay is a copy written
   * anew, always at a position past everything read.
   */
  check(kid: string, topic: string, ctr: number, sealedTs: number, recordTs: number, at?: LogPosition): ReplayVerdict {
    if (at) {
      const range = this.checked.get(at.log);
      if (range && at.offset >= range.from && at.offset <= range.upTo) return this.notOk.get(`${at.log}@${at.offset}`) ?? { ok: true };
      if (!range) this.checked.set(at.log, { from: at.offset, upTo: at.offset });
      else if (at.offset > range.upTo) range.upTo = at.offset;
      else range.from = at.offset;
    }
    const verdict = this.judge(kid, topic, ctr, sealedTs, recordTs);
    if (!verdict.ok && at) {
      this.notOk.set(`${at.log}@${at.offset}`, verdict);
      if (this.notOk.size > this.maxEntries) this.notOk.delete(this.notOk.keys().next().value!);
    }
    return verdict;
  }

  private judge(kid: string, topic: string, ctr: number, sealedTs: number, recordTs: number): ReplayVerdict {
    const skew = Math.abs(recordTs - sealedTs);
    if (skew > this.windowMs) {
      return { ok: false, code: 'stale', reason: `stale: sealed ${Math.round(skew / 1000)} s away from its record's time (window ${Math.round(this.windowMs / 1000)} s)` };
    }
    const slot = `${kid}\n${topic}`;
    const seen = this.highest.get(slot);
    if (seen === ctr) return { ok: false, code: 'again', reason: `again: counter ${ctr} of key ${kid} on ${topic} is the last one accepted` };
    if (seen !== undefined && ctr < seen) {
      return { ok: false, code: 'replay', reason: `replay: counter ${ctr} of key ${kid} on ${topic} was accepted before (highest ${seen})` };
    }
    if (seen !== undefined) this.highest.delete(slot);
    this.highest.set(slot, ctr);
    if (this.highest.size > this.maxEntries) this.highest.delete(this.highest.keys().next().value!);
    return { ok: true };
  }

  /** A reset or revoked key: nothing of it is accepted any more anyway, so its slots can go. */
  forget(kid: string): void {
    for (const slot of this.highest.keys()) if (slot.startsWith(`${kid}\n`)) this.highest.delete(slot);
  }
}

/** A writer's counter: above everything it sealed before, even across its own restarts. */
export class SealCounter {
  private last = 0;
  constructor(private readonly clockMs: () => number = Date.now) {}
  next(): number {
    this.last = Math.max(this.last + 1, Math.floor(this.clockMs() * 1000));
    return this.last;
  }
}
