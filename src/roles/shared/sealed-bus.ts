import type { Bus, IncomingRecord, OutgoingRecord, PublishOptions, RecordHandler, SubscribeOptions } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { Credential } from '../../protocol/credential-file.js';
import { ReplayGuard, SealCounter } from '../../protocol/replay-guard.js';
import { looksSealed, openValue, sealValue, signedBody, type OpenResult, type RecordProtection, type SealKey } from '../../protocol/seal.js';
import { SealPool, type SealJob, type WorkerAnswer } from './seal-pool.js';

/**
 * Batches at least this big are opened on the seal pool's worker thread; smaller ones (a live
 * network's usual batches, where latency counts) right here.
 */
const POOL_BATCH = 64;

/**
 * Who may seal what, as one role sees it (issue 12, part 2). Central, the CP and the driver each
 * have their own (roles/<role>/trust.ts); the crypto is protocol/seal.ts.
 */
export interface TrustPolicy {
  /** The key (and protection) this role seals an outgoing record with; null: sent as it is. */
  sealing(record: OutgoingRecord): { key: SealKey; protection: RecordProtection } | null;
  /**
   * The key that may vouch for an incoming record sealed under `kid`, or why it may not: a key
   * speaks only for its own CP or driver, and only on the topics that one writes.
   */
  opening(kid: string, record: IncomingRecord): SealKey | KeyRefusal;
  /** Topics this role reads without being able to check them (another's key); the seal is taken off. */
  unchecked?(topic: string): boolean;
  /** Topics read as they come, sealed or not (dead-letter copies are evidence, not orders). */
  unsealed?(topic: string): boolean;
}

/** A CP's or driver's record protection: its credential, from the file `evcharge registry add` wrote. */
export interface HolderTrust {
  protection: RecordProtection;
  credential: Credential;
  freshnessMs: number;
}

/** Why a key may not vouch for a record: not known (or revoked, or reset), or another's. */
export interface KeyRefusal {
  code: 'unknown-key' | 'wrong-key';
  reason: string;
}

/**
 * What the bus tells the inbox about a record's seal. `refused`: not applied (bad tag, unknown
 * key, stale, unsealed, a key speaking for another). `repeat`: its counter was accepted before,
 * which is a replay unless the inbox has seen its message id (a producer's own retry).
 */
export interface SealVerdict {
  refused?: { code: string; reason: string };
  /** The last record accepted under its key, once more: dropped as a duplicate, as the handlers would. */
  again?: true;
  repeat?: string;
  kid?: string;
}

export type CheckedRecord = IncomingRecord & { seal?: SealVerdict };

/**
 * A Bus whose records are sealed on the way out and checked on the way in, by the role's policy.
 * The role's code above it sees plain envelopes, as without protection; a record that fails is
 * handed on with its verdict, so the inbox counts it and copies it to dead-letter.
 */
export class SealedBus implements Bus {
  private readonly counter: SealCounter;
  private readonly guard: ReplayGuard;
  private readonly pool: SealPool | null;
  /** Records whose seal the worker thread opened (for tests and the benchmark). */
  openedOnWorker = 0;

  constructor(
    private readonly inner: Bus,
    private readonly policy: TrustPolicy,
    clock: Clock,
    freshnessMs: number,
    /** Open big batches on a worker thread (default); false: always on this thread. */
    options: { pool?: boolean } = {},
  ) {
    this.pool = options.pool === false ? null : new SealPool();
    this.counter = new SealCounter(() => clock.now());
    this.guard = new ReplayGuard(freshnessMs);
    this.now = () => clock.now();
  }

  private readonly now: () => number;

  publish(records: OutgoingRecord[], options?: PublishOptions): Promise<void> {
    return this.inner.publish(records.map((r) => this.seal(r)), options);
  }

  private seal(record: OutgoingRecord): OutgoingRecord {
    if (record.value === null) return record;
    const how = this.policy.sealing(record);
    if (!how) return record;
    return { ...record, value: sealValue(record.topic, record.key, record.value, how.key, this.counter.next(), this.now(), how.protection) };
  }

  subscribe(options: SubscribeOptions, handler: RecordHandler) {
    return this.inner.subscribe(options, (records) =>
      records.length >= POOL_BATCH && this.pool?.usable ? this.checkBatch(records).then(handler) : handler(records.map((r) => this.check(r))),
    );
  }

  /** The records this bus opens itself, whatever the batch: plain ones, and those read unchecked. */
  private byHand(record: IncomingRecord): boolean {
    return record.value === null || this.policy.unsealed?.(record.topic) === true || this.policy.unchecked?.(record.topic) === true;
  }

  /** One record's verdict, and its plain value when it passes. Never throws. */
  check(record: IncomingRecord): CheckedRecord {
    if (record.value === null || this.policy.unsealed?.(record.topic)) return record;
    if (this.policy.unchecked?.(record.topic)) {
      // Only the body is wanted: who wrote it is the ACLs' to say (only central writes there).
      return looksSealed(record.value) ? this.uncheckedBody(record) : refuse(record, 'unsealed', 'unsealed: the record carries no seal');
    }
    let refusal: KeyRefusal | null = null;
    const opened = openValue(record.topic, record.key, record.value, (kid) => {
      const key = this.policy.opening(kid, record);
      if ('code' in key) {
        refusal = key;
        return null;
      }
      return key;
    });
    return this.judged(record, opened, refusal);
  }

  /**
   * A batch's verdicts, the seals opened on the worker thread. The policy still says, here, which
   * key may speak for each record; a record whose key the worker lacked is opened here (and the
   * key handed over for the next batch). Verdicts come in record order, as the replay guard needs.
   */
  async checkBatch(records: IncomingRecord[]): Promise<CheckedRecord[]> {
    const pool = this.pool!;
    const jobs: SealJob[] = [];
    for (const r of records) if (!this.byHand(r)) jobs.push([r.topic, r.key, r.value!]);
    let answers: WorkerAnswer[];
    try {
      answers = await pool.open(jobs);
    } catch {
      return records.map((r) => this.check(r));
    }
    let j = 0;
    return records.map((r) => (this.byHand(r) ? this.check(r) : this.fromWorker(r, answers[j++]!, pool)));
  }

  private fromWorker(record: IncomingRecord, a: WorkerAnswer, pool: SealPool): CheckedRecord {
    if (a[0] === 0) return this.judged(record, { ok: false, code: a[1], reason: a[2], kid: a[3] }, null);
    const kid = a[1 + (a[0] === 2 ? 2 : 0)] as string;
    const key = this.policy.opening(kid, record);
    if ('code' in key) return this.judged(record, { ok: false, code: 'unknown-key', reason: '', kid }, key);
    if (a[0] === 1 || !pool.holds(key)) {
      pool.give(key);
      return this.check(record);
    }
    this.openedOnWorker++;
    if (a[0] === 2) return this.judged(record, { ok: false, code: a[1], reason: a[2], kid }, null);
    return this.judged(record, { ok: true, kid: a[1], ctr: a[2], ts: a[3], alg: a[4], value: a[5] }, null);
  }

  /** The verdict once the seal is opened (or not): the policy's refusal first, then the replay guard. */
  private judged(record: IncomingRecord, opened: OpenResult, refusal: KeyRefusal | null): CheckedRecord {
    if (!opened.ok) {
      return refusal !== null && opened.code === 'unknown-key'
        ? refuse(record, refusal.code, `${refusal.code}: ${refusal.reason}`, opened.kid ?? undefined)
        : refuse(record, opened.code, opened.reason, opened.kid ?? undefined);
    }
    const verdict = this.guard.check(opened.kid, `${record.topic}\n${record.key ?? ''}`, opened.ctr, opened.ts, record.timestamp, { log: `${record.topic}/${record.partition}`, offset: Number(record.offset) });
    if (!verdict.ok && verdict.code === 'stale') return refuse(record, 'stale', verdict.reason, opened.kid);
    const repeat = verdict.ok ? {} : verdict.code === 'again' ? { again: true as const } : { repeat: verdict.reason };
    return { ...record, value: opened.value, seal: { kid: opened.kid, ...repeat } };
  }

  private uncheckedBody(record: IncomingRecord): CheckedRecord {
    const body = signedBody(record.value!);
    if (body !== null) return { ...record, value: body };
    return refuse(record, 'bad-seal', 'bad-seal: a record this role can read only when signed, not encrypted');
  }

  status() {
    return this.inner.status();
  }
  onStatus(listener: Parameters<Bus['onStatus']>[0]) {
    return this.inner.onStatus(listener);
  }
  lead(options: Parameters<Bus['lead']>[0]) {
    return this.inner.lead(options);
  }
  async close() {
    await this.pool?.close();
    return this.inner.close();
  }
}

function refuse(record: IncomingRecord, code: string, reason: string, kid?: string): CheckedRecord {
  return { ...record, seal: { refused: { code, reason }, ...(kid !== undefined && { kid }) } };
}
