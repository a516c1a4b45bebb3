import type { IncomingRecord } from '../../bus/bus.js';
import { decodeRecord, type Message } from '../../protocol/index.js';
import { BoundedSet } from './bounded-set.js';
import type { RoleCounters } from './counters.js';
import type { Outbox } from './outbox.js';
import type { CheckedRecord } from './sealed-bus.js';

export interface InboxOptions {
  counters: RoleCounters;
  outbox: Outbox;
  /** Told once per malformed record (redelivery of the same record is not reported again). */
  onMalformed: (record: IncomingRecord, reason: string) => void;
  /** Told of each sealed record refused (bad tag, unknown key, replay, …), after onMalformed: the audit trail. */
  onRefused?: (record: IncomingRecord, reason: string) => void;
  /** Records whose key fails this are someone else's and skipped silently (e.g. other CPs). */
  acceptKey?: (key: string | null) => boolean;
}

const DEAD_LETTER_VALUE_LIMIT = 4096;

/**
 * Turns a batch of records into new, valid messages. Malformed records are counted, reported once
 * and copied to dead-letter with their reason; messages already seen (same id) are dropped.
 */
export class Inbox {
  private readonly seenIds = new BoundedSet<string>(100_000);
  private readonly reportedBad = new BoundedSet<string>(10_000);

  constructor(private readonly options: InboxOptions) {}

  decode(records: IncomingRecord[]): Message[] {
    return this.decodeEach(records).map((r) => r.message);
  }

  /** The same, keeping each message's record (its partition matters to liveness). */
  decodeEach(records: IncomingRecord[]): { message: Message; record: IncomingRecord }[] {
    const { counters, acceptKey } = this.options;
    const messages: { message: Message; record: IncomingRecord }[] = [];
    for (const record of records) {
      if (acceptKey && !acceptKey(record.key)) continue;
      counters.messagesIn++;
      const seal = (record as CheckedRecord).seal;
      if (seal?.refused) {
        this.refused(record, seal.refused.reason);
        continue;
      }
      if (seal?.again) {
        counters.duplicates++;
        continue;
      }
      const result = decodeRecord(record);
      if (!result.ok) {
        this.malformed(record, result.reason);
        continue;
      }
      if (!this.seenIds.add(result.message.id)) {
        counters.duplicates++;
        continue;
      }
      if (seal?.repeat) {
        // A counter accepted before, under a message id this inbox has not seen: a copy of an
        // old record written again, not a producer's retry.
        this.refused(record, seal.repeat);
        continue;
      }
      messages.push({ message: result.message, record });
    }
    return messages;
  }

  private refused(record: IncomingRecord, reason: string): void {
    this.malformed(record, reason, true);
  }

  private malformed(record: IncomingRecord, reason: string, refused = false): void {
    const where = `${record.topic}/${record.partition}/${record.offset}`;
    if (!this.reportedBad.add(where)) return;
    this.options.counters.malformed++;
    if (refused) {
      this.options.counters.refused = (this.options.counters.refused ?? 0) + 1;
      this.options.onRefused?.(record, reason);
    }
    this.options.onMalformed(record, reason);
    this.options.outbox.add('dead-letter', {
      topic: record.topic,
      key: record.key === null ? null : record.key.slice(0, 200),
      partition: record.partition,
      offset: record.offset,
      reason: reason.slice(0, 500),
      value: (record.value ?? '').slice(0, DEAD_LETTER_VALUE_LIMIT),
      by: this.options.outbox.sender,
    });
  }
}
