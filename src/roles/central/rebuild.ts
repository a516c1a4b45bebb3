import { randomUUID } from 'node:crypto';
import type { Bus } from '../../bus/bus.js';
import type { Clock } from '../../bus/clock.js';
import type { CpRecord } from '../../protocol/index.js';
import type { Inbox } from '../shared/inbox.js';
import type { Outbox } from '../shared/outbox.js';

export interface RebuildResult {
  records: Map<string, CpRecord>;
  /** False when the markers were not all seen in time and central served anyway. */
  complete: boolean;
}

/**
 * Re-reads cp-state from the beginning (a non-committing group) to learn every CP and open supply
 * central had before it stopped. The Bus has no "end of topic" call, so central writes one sync
 * marker per key of a few dozen keys (they hash onto every partition) and has read everything
 * before them once it has read all of its own markers back.
 */
export async function rebuildFromCpState(options: {
  bus: Bus;
  clock: Clock;
  group: string;
  inbox: Inbox;
  outbox: Outbox;
  markers: number;
  timeoutMs: number;
}): Promise<RebuildResult> {
  const { bus, clock, inbox, outbox, markers } = options;
  const nonce = randomUUID();
  const records = new Map<string, CpRecord>();
  const seen = new Set<number>();
  let finish: (complete: boolean) => void = () => {};
  const done = new Promise<boolean>((resolve) => (finish = resolve));

  const subscription = await bus.subscribe(
    { group: options.group, topics: ['cp-state'], fromBeginning: true, commit: false },
    async (batch) => {
      for (const message of inbox.decode(batch)) {
        if (message.type === 'cp.state') records.set(message.payload.id, message.payload);
        else if (message.type === 'state.sync-marker' && message.payload.nonce === nonce) {
          seen.add(message.payload.index);
        }
      }
      await outbox.flush(); // dead-letter copies of malformed state records
      if (seen.size >= markers) finish(true);
    },
  );
  const timer = clock.setTimeout(() => finish(false), options.timeoutMs);
  try {
    await subscription.ready;
    for (let index = 0; index < markers; index++) outbox.add('state.sync-marker', { nonce, index });
    await outbox.flush();
    const complete = await done;
    return { records, complete };
  } finally {
    clock.clearTimeout(timer);
    await subscription.close();
  }
}
