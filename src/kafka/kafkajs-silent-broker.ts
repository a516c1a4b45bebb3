import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 keeps talking to a broker that went silent (its machine cut off, not down: no
 * reset, no refusal, nothing). A request that times out leaves the connection open, so every
 * later request on it waits out the same timeout, and the metadata refresh that would tell the
 * client where the partitions moved may itself be sent down that connection. Its consumers refresh
 * metadata only after a refusal or a closed connection, never after a timeout: one fetch that
 * times out stops every fetcher of the consumer, and the fetchers start again against the same
 * silent leader until the metadata gets old (5 min). On the namespace hosts a cut host's
 * neighbours' consumers timed out every 3-4 s for the whole cut, and drivers saw no progress.
 *
 * The Java client drops a connection whose request timed out and asks for new metadata. These two
 * patches do the same:
 * - `Connection.send`: a request that timed out closes its connection (its other requests fail
 *   with a retriable connection error), so the next request connects again, and a silent broker
 *   then fails within the connection timeout instead of the request timeout.
 * - `ConsumerGroup.recoverFromFetch`: after a timeout or a connection error, the consumer looks
 *   the partition leaders up again (from a broker that is connected) before kafkajs retries.
 */
interface ConnectionLike {
  host: string;
  port: number;
  isConnected(): boolean;
  rejectRequests(error: Error): void;
  disconnect(): Promise<unknown>;
  socket?: { destroy(): void } | null;
  logError?: (message: string, extra?: object) => void;
}
interface ConnectionClass {
  prototype: ConnectionLike & { send(args: unknown): Promise<unknown> };
}
interface ConsumerGroupClass {
  prototype: { cluster: { refreshMetadata(): Promise<void> }; recoverFromFetch(e: unknown): Promise<void> };
}
type ConnectionErrorClass = new (message: string, extra: { broker: string }) => Error;

const PATCHED = Symbol.for('evcharge.kafkajs.silent-broker');

const REFRESH_AFTER = new Set(['KafkaJSRequestTimeoutError', 'KafkaJSConnectionError']);

/** Closes a connection whose request timed out; its other requests fail as on a lost connection. */
export function dropTimedOutConnection(connection: ConnectionLike, ConnectionError: ConnectionErrorClass): void {
  if (!connection.isConnected()) return;
  const broker = `${connection.host}:${connection.port}`;
  connection.logError?.('Request timed out: closing the connection, the next request connects again', { broker });
  connection.rejectRequests(new ConnectionError('Connection closed after a request timed out', { broker }));
  void connection.disconnect().then(
    () => connection.socket?.destroy(),
    () => connection.socket?.destroy(),
  );
}

/** What the patched recoverFromFetch does before kafkajs's own recovery. */
export async function refreshAfterFetchError(cluster: { refreshMetadata(): Promise<void> }, error: unknown): Promise<void> {
  if (!REFRESH_AFTER.has((error as Error | undefined)?.name ?? '')) return;
  await cluster.refreshMetadata().catch(() => {});
}

export interface SilentBrokerModules {
  Connection: ConnectionClass;
  ConsumerGroup: ConsumerGroupClass;
  ConnectionError: ConnectionErrorClass;
}

/** The kafkajs classes as they were before the patch (for tests). */
export let kafkajsOriginals: { send: (args: unknown) => Promise<unknown>; recoverFromFetch: (e: unknown) => Promise<void> } | null = null;

export function patchSilentBroker({ Connection, ConsumerGroup, ConnectionError }: SilentBrokerModules): boolean {
  const connection = Connection.prototype as ConnectionClass['prototype'] & { [PATCHED]?: true };
  const group = ConsumerGroup.prototype as ConsumerGroupClass['prototype'] & { [PATCHED]?: true };
  if (typeof connection.send !== 'function' || typeof group.recoverFromFetch !== 'function') return false;
  if (connection[PATCHED] && group[PATCHED]) return true;
  const send = connection.send;
  const recoverFromFetch = group.recoverFromFetch;
  kafkajsOriginals = { send, recoverFromFetch };
  connection.send = async function (this: ConnectionLike, args: unknown) {
    try {
      return await send.call(this, args);
    } catch (e) {
      if ((e as Error | undefined)?.name === 'KafkaJSRequestTimeoutError') dropTimedOutConnection(this, ConnectionError);
      throw e;
    }
  };
  group.recoverFromFetch = async function (this: ConsumerGroupClass['prototype'], e: unknown) {
    await refreshAfterFetchError(this.cluster, e);
    return recoverFromFetch.call(this, e);
  };
  connection[PATCHED] = true;
  group[PATCHED] = true;
  return true;
}

export function applyKafkajsSilentBrokerFix(): boolean {
  const require = createRequire(import.meta.url);
  try {
    const Connection = require('kafkajs/src/network/connection.js') as ConnectionClass;
    const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as ConsumerGroupClass;
    const { KafkaJSConnectionError } = require('kafkajs/src/errors.js') as { KafkaJSConnectionError: ConnectionErrorClass };
    return patchSilentBroker({ Connection, ConsumerGroup, ConnectionError: KafkaJSConnectionError });
  } catch {
    return false;
  }
}
