import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { test, after } from 'node:test';
import '../../src/kafka/kafkajs.js';

// kafkajs's own Connection against a TLS server that, as a broker does, closes its side when the
// client closes its own: the old socket's late `end` used to disconnect the new socket mid-handshake.
const require = createRequire(import.meta.url);
const Connection = require('kafkajs/src/network/connection.js') as new (o: object) => { connect(): Promise<unknown>; disconnect(): Promise<unknown>; isConnected(): boolean };
const socketFactory = (require('kafkajs/src/network/socketFactory.js') as () => unknown)();
const { createLogger, LEVELS } = require('kafkajs/src/loggers/index.js') as { createLogger(o: object): unknown; LEVELS: { NOTHING: number } };

const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-tls-'));
const key = path.join(dir, 'key.pem');
const cert = path.join(dir, 'cert.pem');
const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
assert.equal(made.status, 0, made.stderr);

const server = tls.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => socket.on('error', () => {}));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => server.close());

/** A kafkajs connection to the test's TLS server, trusting its certificate. */
const tlsConnection = () =>
  new Connection({
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    ssl: { ca: [readFileSync(cert, 'utf8')] },
    socketFactory,
    logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => {} }),
    connectionTimeout: 3000,
    requestTimeout: 3000,
  });

test('a kafkajs connection over TLS connects again after a disconnect, every time (tulios/kafkajs#1658)', { timeout: 15000 }, async () => {
  const connection = tlsConnection();
  for (let i = 0; i < 6; i++) {
    await connection.connect();
    // Long enough for the previous socket's end to arrive, which disconnected this one before.
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(connection.isConnected(), `connect ${i + 1} is still connected`);
    await connection.disconnect();
  }
});

test('two connects at once share one socket', { timeout: 15000 }, async () => {
  const connection = tlsConnection() as unknown as { connect(): Promise<unknown>; disconnect(): Promise<unknown>; socket: unknown };
  const first = connection.connect();
  const socket = connection.socket;
  await Promise.all([first, connection.connect()]);
  assert.equal(connection.socket, socket);
  await connection.disconnect();
});
