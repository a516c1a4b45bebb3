import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load-config.js';
import { clusterAnswers, unreachable } from '../../src/kafka/cluster-probe.js';
import { TEST_BROKERS, isolatedConfigYaml, uniqueTag } from '../helpers/kafka-env.js';

// The lease's probe: an active central whose lease went silent stays active only when most of the
// cluster answers. Loopback ports 1 and 2 refuse at once, like brokers that are down; a central
// cut off with the broker on its own machine sees the same: one broker answers, the rest do not.
const live = TEST_BROKERS.split(',')[0]!;
const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'evcharge-probe-')), 'probe.log');
const answers = (brokers: string[]) => clusterAnswers(parseConfig(isolatedConfigYaml(uniqueTag()), 'x.yaml', { brokersOverride: brokers.join(',') }), log);

test('the probe needs most bootstrap brokers to answer, not any one', async () => {
  assert.equal(await answers([live]), true, 'the one broker answers');
  assert.equal(await answers([live, live, '127.0.0.1:1']), true, 'two of three answer');
  assert.equal(await answers([live, '127.0.0.1:1', '127.0.0.1:2']), false, 'one of three is a minority');
  assert.equal(await answers(['127.0.0.1:1', '127.0.0.1:2']), false, 'none answers');
});

test('a broker that takes the connection but answers late is slow, not gone: the probe does not step down for it', async () => {
  // Accepts every connection and never says a word, like a broker starved of CPU.
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const at = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  try {
    const started = Date.now();
    assert.equal(await answers([live, at, at]), true, 'two slow brokers of three are not a lost cluster');
    assert.equal(await answers([at, '127.0.0.1:1', '127.0.0.1:2']), false, 'two of three refuse: gone');
    // The verdict comes at the connection timeout (3 s) plus 2 s at most, not the request timeout.
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});

test('what counts as unreachable: a connection error, also wrapped by a retrier; a request timeout does not', () => {
  const connection = Object.assign(new Error('Connection timeout'), { name: 'KafkaJSConnectionError' });
  assert.equal(unreachable(connection), true);
  assert.equal(unreachable(Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', originalError: connection })), true);
  assert.equal(unreachable(Object.assign(new Error('Request Metadata timed out'), { name: 'KafkaJSRequestTimeoutError' })), false);
  assert.equal(unreachable(undefined), false);
});
