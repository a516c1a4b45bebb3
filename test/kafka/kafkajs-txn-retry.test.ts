import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import '../../src/kafka/kafkajs.js';
import { endTxnRetriable, kafkajsEosManager, kafkajsTxnRetryApplied, withEndTxnRetry } from '../../src/kafka/kafkajs-txn-retry.js';

/** What a coordinator that moved answers the first EndTxn sent to the old one. */
const notCoordinator = () => Object.assign(new Error('This is not the correct coordinator for this group'), { type: 'NOT_COORDINATOR', name: 'KafkaJSProtocolError' });
const timedOut = () => Object.assign(new Error('Request EndTxn(key: 26, version: 1) timed out'), { name: 'KafkaJSRequestTimeoutError' });
const fenced = () => Object.assign(new Error('Producer attempted an operation with an old epoch'), { type: 'INVALID_PRODUCER_EPOCH', name: 'KafkaJSProtocolError' });

/** A cluster whose transaction coordinator fails EndTxn with `failures` first (one each), then answers. */
function cluster(failures: Error[]) {
  const seen = { coordinatorsFound: 0, endTxnOn: [] as string[] };
  const broker = (name: string) => ({
    initProducerId: async () => ({ producerId: 7, producerEpoch: 1 }),
    addPartitionsToTxn: async () => ({}),
    endTxn: async () => {
      seen.endTxnOn.push(name);
      const failure = failures.shift();
      if (failure) throw failure;
      return {};
    },
  });
  return {
    seen,
    cluster: {
      retry: { retries: 0 },
      refreshMetadataIfNecessary: async () => {},
      findGroupCoordinator: async () => broker(`coordinator-${++seen.coordinatorsFound}`),
    },
  };
}

type Eos = {
  initProducerId(): Promise<void>;
  beginTransaction(): void;
  addPartitionsToTransaction(t: { topic: string; partitions: { partition: number }[] }[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
};
const logger = { warn: () => {}, debug: () => {}, info: () => {}, error: () => {} };

async function transactionThatCommits(create: (o: never) => unknown, failures: Error[]) {
  const c = cluster(failures);
  const eos = create({ logger, cluster: c.cluster, transactional: true, transactionalId: 'central' } as never) as Eos;
  await eos.initProducerId();
  eos.beginTransaction();
  await eos.addPartitionsToTransaction([{ topic: 'cp-state', partitions: [{ partition: 0 }] }]);
  const commit = await eos.commit().then(() => 'committed', (e: Error) => e.message);
  // The producer goes on with its next transaction, or cannot.
  const next = (() => {
    try {
      eos.beginTransaction();
      return 'next transaction began';
    } catch (e) {
      return (e as Error).message;
    }
  })();
  return { commit, next, seen: c.seen };
}

test('kafkajs loads the retrying eos manager (the patch is in place before kafkajs loads its producer)', () => {
  assert.equal(kafkajsTxnRetryApplied, true);
  const require = createRequire(import.meta.url);
  const loaded = require(require.resolve('kafkajs/src/producer/eosManager/index.js'));
  assert.notEqual(loaded, kafkajsEosManager);
});

test('shipped kafkajs: an EndTxn that fails while the coordinator moves leaves the producer stuck in COMMITTING', async () => {
  const shipped = await transactionThatCommits(kafkajsEosManager as never, [notCoordinator()]);
  assert.match(shipped.commit, /not the correct coordinator/);
  assert.match(shipped.next, /Cannot call "?beginTransaction"? in state "?COMMITTING"?/);
});

test('patched: the EndTxn goes again to the coordinator found anew, the commit succeeds and the producer goes on', async () => {
  const patched = await transactionThatCommits(withEndTxnRetry(kafkajsEosManager as never, { deadlineMs: 5000, backoffMs: 1 }) as never, [notCoordinator(), timedOut()]);
  assert.equal(patched.commit, 'committed');
  assert.equal(patched.next, 'next transaction began');
  // The first try on the coordinator the commit started with, each retry on one looked up again.
  assert.deepEqual(patched.seen.endTxnOn.slice(-3), ['coordinator-3', 'coordinator-4', 'coordinator-5']);
});

test('patched: a fenced producer is not retried; the error reaches the caller at once', async () => {
  const patched = await transactionThatCommits(withEndTxnRetry(kafkajsEosManager as never, { deadlineMs: 5000, backoffMs: 1 }) as never, [fenced()]);
  assert.match(patched.commit, /old epoch/);
  assert.equal(patched.seen.endTxnOn.length, 1);
});

test('patched: retries stop at the deadline with the last error', async () => {
  const failures = Array.from({ length: 1000 }, timedOut);
  const patched = await transactionThatCommits(withEndTxnRetry(kafkajsEosManager as never, { deadlineMs: 50, backoffMs: 5 }) as never, failures);
  assert.match(patched.commit, /timed out/);
  assert.ok(patched.seen.endTxnOn.length >= 2 && patched.seen.endTxnOn.length < 50, `${patched.seen.endTxnOn.length} attempts`);
});

test('patched: a producer disconnected while its EndTxn is retried stops retrying', async () => {
  const c = cluster(Array.from({ length: 1000 }, timedOut));
  const withDisconnect = { ...c.cluster, disconnect: async () => {} };
  const eos = withEndTxnRetry(kafkajsEosManager as never, { deadlineMs: 10_000, backoffMs: 20 })({ logger, cluster: withDisconnect, transactional: true, transactionalId: 'central' } as never) as Eos;
  await eos.initProducerId();
  eos.beginTransaction();
  await eos.addPartitionsToTransaction([{ topic: 'cp-state', partitions: [{ partition: 0 }] }]);
  const commit = eos.commit().then(() => 'committed', (e: Error) => e.message);
  await new Promise((r) => setTimeout(r, 50));
  await withDisconnect.disconnect();
  const started = Date.now();
  assert.match(await commit, /timed out/);
  assert.ok(Date.now() - started < 1000, 'gave up at the next attempt, not at the deadline');
});

test('which EndTxn errors are retried', () => {
  assert.equal(endTxnRetriable(notCoordinator()), true);
  assert.equal(endTxnRetriable(timedOut()), true);
  assert.equal(endTxnRetriable(Object.assign(new Error('x'), { type: 'CONCURRENT_TRANSACTIONS' })), true);
  assert.equal(endTxnRetriable(Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' })), true);
  assert.equal(endTxnRetriable(fenced()), false);
  assert.equal(endTxnRetriable(Object.assign(new Error('x'), { type: 'INVALID_TXN_STATE' })), false);
});
