import { randomUUID } from 'node:crypto';
import type { TopicKey } from '../../src/bus/topics.js';
import {
  decodeRecord,
  encodeMessage,
  type Message,
  type MessageOf,
  type MessageType,
  type PayloadOf,
} from '../../src/protocol/index.js';

export { testNet, type TestNet } from '../helpers/embedded-net.js';
import { advance, type TestNet } from '../helpers/embedded-net.js';

/** Lets the bus deliver everything pending (no fake time passes). */
export async function flush(net: TestNet): Promise<void> {
  await net.bus.idle();
}

/** Advances fake time by `ms` in steps, letting the bus deliver after each step. */
export const run = advance;

/** Publishes one message as some role would (a fake CP or driver in central's tests). */
export async function send<T extends MessageType>(
  net: TestNet,
  type: T,
  payload: PayloadOf<T>,
  opts: { sender?: string; ts?: number; id?: string } = {},
): Promise<string> {
  const id = opts.id ?? randomUUID();
  const record = encodeMessage(type, opts.sender ?? 'test', payload, opts.ts ?? net.clock.now(), id);
  await net.bus.publish([record]);
  return id;
}

/** Every decodable message of `type` on its topic, in order. */
export function sent<T extends MessageType>(net: TestNet, topic: TopicKey, type: T): MessageOf<T>[] {
  const out: MessageOf<T>[] = [];
  for (const record of net.bus.read(topic)) {
    const decoded = decodeRecord(record);
    if (decoded.ok && decoded.message.type === type) out.push(decoded.message as MessageOf<T>);
  }
  return out;
}

export function allMessages(net: TestNet, topic: TopicKey): Message[] {
  return net.bus
    .read(topic)
    .map((r) => decodeRecord(r))
    .flatMap((d) => (d.ok ? [d.message] : []));
}
