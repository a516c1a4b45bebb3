import type { IncomingRecord } from '../../bus/bus.js';
import { readAuditRecord, type PayloadOf } from '../../protocol/index.js';

/** One audit entry as central's audit view shows it: when (the writer's clock), and what it says. */
export type AuditView = Readonly<PayloadOf<'audit.entry'> & { at: number }>;

export interface AuditSnapshot {
  /** The most recent entries, newest first (at most the log's capacity). */
  entries: readonly AuditView[];
  /** Entries read since start, kept or not. */
  read: number;
  /** Records on the audit topic that are no audit entry (counted, never shown). */
  malformed: number;
}

export const AUDIT_VIEW_CAPACITY = 500;

/**
 * The most recent entries of the audit trail, as every role wrote them (central's operators and
 * registry, CPs' and drivers' refusals, broker refusals), newest first by the writer's clock. A
 * bounded ring: the trail itself lives on the `audit` topic; this keeps what a screen can show.
 * A record read twice (a re-read after a rejoin: the reader never commits) counts once.
 */
export class AuditLog {
  /** Oldest first: new entries mostly go at the end. */
  private entries: AuditView[] = [];
  private readUpTo = new Map<number, bigint>();
  private read = 0;
  private malformed = 0;
  private view: AuditSnapshot | null = null;

  constructor(private readonly capacity = AUDIT_VIEW_CAPACITY) {}

  /** Takes one record of the audit topic; true when the view changed. */
  take(record: IncomingRecord): boolean {
    const offset = BigInt(record.offset);
    if (offset <= (this.readUpTo.get(record.partition) ?? -1n)) return false;
    this.readUpTo.set(record.partition, offset);
    const e = readAuditRecord(record);
    this.view = null;
    if ('bad' in e) {
      this.malformed++;
      return true;
    }
    this.read++;
    const entry: AuditView = Object.freeze({ ...e.payload, at: e.ts });
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.at > entry.at) i--;
    if (this.entries.length >= this.capacity) {
      if (i === 0) return true; // older than everything kept
      this.entries.splice(i, 0, entry);
      this.entries.shift();
    } else this.entries.splice(i, 0, entry);
    return true;
  }

  /** The same object until an entry comes. */
  snapshot(): AuditSnapshot {
    this.view ??= Object.freeze({ entries: Object.freeze([...this.entries].reverse()), read: this.read, malformed: this.malformed });
    return this.view;
  }
}
