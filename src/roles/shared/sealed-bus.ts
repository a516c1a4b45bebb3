import type { Bus, IncomingRecord, OutgoingRecord, PublishOptions, RecordHandler, SubscribeOptions } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { Credential } from '../../protocol/credential-file.js';
import { ReplayGuard, SealCounter } from '../../protocol/replay-guard.js';
import { looksSealed, openValue, sealValue, signedBody, type RecordProtection, type SealKey } from '../../protocol/seal.js';

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

  constructor(
    private readonly inner: Bus,
    private readonly policy: TrustPolicy,
    clock: Clock,
    freshnessMs: number,
  ) {
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
    return this.inner.subscribe(options, (records) => handler(records.map((r) => this.check(r))));
  }

  /** One record's verdict, and its plain value when it passes. Never throws. */
  check(record: IncomingRecord): CheckedRecord {
    if (record.value === null || this.policy.unsealed?.(record.topic)) return record;
    const refuse = (code: string, reason: string, kid?: string): CheckedRecord => ({ ...record, seal: { refused: { code, reason }, ...(kid !== undefined && { kid }) } });
    if (this.policy.unchecked?.(record.topic)) {
      // Only the body is wanted: who wrote it is the ACLs' to say (only central writes there).
      return looksSealed(record.value) ? this.uncheckedBody(record) : refuse('unsealed', 'unsealed: the record carries no seal');
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
    if (!opened.ok) {
      const r = refusal as KeyRefusal | null;
      return r !== null && opened.code === 'unknown-key' ? refuse(r.code, `${r.code}: ${r.reason}`, opened.kid ?? undefined) : refuse(opened.code, opened.reason, opened.kid ?? undefined);
    }
    const verdict = this.guard.check(opened.kid, `${record.topic}\n${record.key ?? ''}`, opened.ctr, opened.ts, record.timestamp, { log: `${record.topic}/${record.partition}`, offset: Number(record.offset) });
    if (!verdict.ok && verdict.code === 'stale') return refuse('stale', verdict.reason, opened.kid);
    const repeat = verdict.ok ? {} : verdict.code === 'again' ? { again: true as const } : { repeat: verdict.reason };
    return { ...record, value: opened.value, seal: { kid: opened.kid, ...repeat } };
  }

  private uncheckedBody(record: IncomingRecord): CheckedRecord {
    const body = signedBody(record.value!);
    if (body !== null) return { ...record, value: body };
    return { ...record, seal: { refused: { code: 'bad-seal', reason: 'bad-seal: a record this role can read only when signed, not encrypted' } } };
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
  close() {
    return this.inner.close();
  }
}
