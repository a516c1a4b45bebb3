import { randomUUID } from 'node:crypto';
import type { OutgoingRecord } from '../bus/bus.js';
import { SCHEMA_VERSION, type Envelope } from './envelope.js';
import { MESSAGES, type MessageType, type PayloadOf } from './messages.js';

/**
 * Builds the record for one message: the envelope around the payload, on the type's topic, keyed
 * as the type requires. `id` is given when re-sending the same message (an idempotent retry).
 */
export function encodeMessage<T extends MessageType>(
  type: T,
  sender: string,
  payload: PayloadOf<T>,
  now: number,
  id: string = randomUUID(),
): OutgoingRecord {
  const def = MESSAGES[type];
  const envelope: Envelope<T, PayloadOf<T>> = { type, sender, id, ts: Math.floor(now), v: SCHEMA_VERSION, payload };
  const key = (def.key as (p: unknown) => string | null)(payload) ?? 'none';
  return { topic: def.topic, key, value: JSON.stringify(envelope) };
}
