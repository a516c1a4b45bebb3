import type { IncomingRecord } from './bus.js';
import type { TopicKey } from './topics.js';

/** One stored record of the embedded bus; `seq` orders records across topics by publish time. */
export interface StoredRecord extends IncomingRecord {
  seq: number;
  numericOffset: number;
}

/**
 * The in-memory log of one topic, one partition. Offsets only grow. A compacted topic drops
 * superseded records (latest per key wins); other topics drop their oldest records past a limit,
 * like retention, so a long demo does not grow without bound.
 */
export class TopicLog {
  private records: StoredRecord[] = [];
  private nextOffset = 0;
  private readonly latestByKey = new Map<string, number>();

  constructor(
    readonly topic: TopicKey,
    private readonly compacted: boolean,
    private readonly maxRecords: number,
  ) {}

  get endOffset(): number {
    return this.nextOffset;
  }

  append(key: string, value: string | null, timestamp: number, seq: number): StoredRecord {
    const offset = this.nextOffset++;
    const record: StoredRecord = {
      topic: this.topic,
      key,
      value,
      partition: 0,
      offset: String(offset),
      numericOffset: offset,
      timestamp,
      seq,
    };
    this.records.push(record);
    if (this.compacted) {
      this.latestByKey.set(key, offset);
      if (this.records.length > 2 * this.latestByKey.size + 1000) this.compact();
    } else if (this.records.length > this.maxRecords * 1.25) {
      this.records = this.records.slice(this.records.length - this.maxRecords);
    }
    return record;
  }

  /** Up to `max` records with offset >= `from`, in offset order. */
  readFrom(from: number, max: number): StoredRecord[] {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.records[mid]!.numericOffset < from) lo = mid + 1;
      else hi = mid;
    }
    return this.records.slice(lo, lo + max);
  }

  all(): StoredRecord[] {
    return this.records.slice();
  }

  private compact(): void {
    this.records = this.records.filter((r) => this.latestByKey.get(r.key as string) === r.numericOffset);
  }
}
