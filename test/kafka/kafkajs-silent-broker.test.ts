import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import net from 'node:net';
import { test } from 'node:test';
import '../../src/kafka/kafkajs.js';
import { kafkajsOriginals } from '../../src/kafka/kafkajs-silent-broker.js';

// kafkajs's own Connection against a broker that went silent: a local server that takes the
// connection and never answers, as a broker on a machine that was cut off does.
const require = createRequire(import.meta.url);
interface KafkajsConnection {
  connect(): Promise<unknown>;
  send(args: unknown): Promise<unknown>;
  isConnected(): boolean;
  disconnect(): Promise<unknown>;
}
const Connection = require('kafkajs/src/network/connection.js') as new (options: object) => KafkajsConnection;
const socketFactory = (require('kafkajs/src/network/socketFactory.js') as () => unknown)();
const { createLogger, LEVELS } = require('kafkajs/src/loggers/index.js') as { createLogger(o: object): unknown; LEVELS: { NOTHING: number } };
const apiVersions = (require('kafkajs/src/protocol/requests/apiVersions/index.js') as { protocol(o: { version: number }): () => { request: unknown; response: unknown } }).protocol({ version: 0 })();

async function silentBroker(): Promise<{ port: number; closed: Promise<void>; stop(): Promise<void> }> {
  let sawClose: () => void = () => {};
  const closed = new Promise<void>((r) => (sawClose = r));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    // Reads (and ignores) what it is sent, so it sees the client's end of the connection.
    socket.resume();
    socket.on('close', () => sawClose());
    socket.on('end', () => sawClose());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    closed,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

function connectionTo(port: number): KafkajsConnection {
  return new Connection({
    host: '127.0.0.1',
    port,
    logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => {} }),
    socketFactory,
    requestTimeout: 300,
    connectionTimeout: 1000,
    enforceRequestTimeout: true,
  });
}

const ask = (c: KafkajsConnection, send: (this: KafkajsConnection, args: unknown) => Promise<unknown>) =>
  send.call(c, { request: apiVersions.request, response: apiVersions.response }).then(
    () => null,
    (e: Error) => e,
  );

test('as shipped, a request that timed out leaves its connection open, so the next request waits on the same silent broker', { timeout: 10_000 }, async () => {
  assert.ok(kafkajsOriginals, 'the patch is installed');
  const broker = await silentBroker();
  const c = connectionTo(broker.port);
  try {
    await c.connect();
    const error = await ask(c, kafkajsOriginals.send as (args: unknown) => Promise<unknown>);
    assert.equal(error?.name, 'KafkaJSRequestTimeoutError');
    assert.equal(c.isConnected(), true, 'kafkajs keeps the connection');
  } finally {
    await c.disconnect().catch(() => {});
    await broker.stop();
  }
});

test('patched, a request that timed out closes its connection, and the broker sees it go', { timeout: 10_000 }, async () => {
  const broker = await silentBroker();
  const c = connectionTo(broker.port);
  try {
    await c.connect();
    const error = await ask(c, c.send);
    assert.equal(error?.name, 'KafkaJSRequestTimeoutError', 'the caller still gets the timeout');
    assert.equal(c.isConnected(), false, 'the connection is closed');
    await broker.closed;
  } finally {
    await broker.stop();
  }
});

test('patched, a consumer looks the partition leaders up again after a fetch timed out or lost its connection', { timeout: 10_000 }, async () => {
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: { recoverFromFetch(e: unknown): Promise<void> } };
  const refreshed: string[] = [];
  const group = Object.create(ConsumerGroup.prototype) as { cluster: unknown; recoverFromFetch(e: unknown): Promise<void> };
  group.cluster = { refreshMetadata: async () => void refreshed.push('refresh'), removeBroker: () => {} };
  const timeout = Object.assign(new Error('Request Fetch timed out'), { name: 'KafkaJSRequestTimeoutError' });
  // As shipped: the timeout goes back to the runner with nothing looked up.
  await assert.rejects(kafkajsOriginals!.recoverFromFetch.call(group, timeout), /timed out/);
  assert.deepEqual(refreshed, []);
  // Patched: the same error still goes back (kafkajs's runner retries), after a metadata refresh.
  await assert.rejects(group.recoverFromFetch(timeout), /timed out/);
  assert.deepEqual(refreshed, ['refresh']);
  await assert.rejects(group.recoverFromFetch(Object.assign(new Error('Connection timeout'), { name: 'KafkaJSConnectionError' })), /Connection timeout/);
  assert.deepEqual(refreshed, ['refresh', 'refresh']);
  // Anything else: kafkajs's own recovery only.
  await assert.rejects(group.recoverFromFetch(new Error('other')), /other/);
  assert.deepEqual(refreshed, ['refresh', 'refresh']);
});
