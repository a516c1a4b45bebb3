import type { IncomingRecord } from '../../bus/bus.js';
import { isValidId, type Message } from '../../protocol/index.js';
import type { Inbox } from './inbox.js';

/**
 * A null value on cp-state keyed by a CP id is a tombstone: the operator forgot that CP, and
 * compaction removes it (and the tombstone, after the topic's delete.retention.ms). Any other
 * null value is junk and goes to the decoder, which counts and dead-letters it.
 */
export function forgottenCp(record: IncomingRecord): string | null {
  return record.topic === 'cp-state' && record.value === null && record.key !== null && isValidId(record.key) ? record.key : null;
}

/**
 * Applies a cp-state batch in order: decoded messages to `onMessage`, tombstones to `onForgotten`
 * (a CP forgotten and registered again must end up known, so order matters). `unchanged`: a
 * record this reader can tell changes nothing it keeps, which it need not decode and validate.
 */
export function readStateBatch(
  records: IncomingRecord[],
  inbox: Inbox,
  onMessage: (message: Message) => void,
  onForgotten: (cpId: string) => void,
  unchanged?: (record: IncomingRecord) => boolean,
): void {
  let run: IncomingRecord[] = [];
  const flush = () => {
    if (run.length === 0) return;
    for (const message of inbox.decode(run)) onMessage(message);
    run = [];
  };
  for (const record of records) {
    const cpId = forgottenCp(record);
    if (cpId === null) {
      if (!unchanged?.(record)) run.push(record);
      continue;
    }
    flush();
    onForgotten(cpId);
  }
  flush();
}
