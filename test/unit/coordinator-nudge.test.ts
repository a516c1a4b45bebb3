import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaHashCode, siblingTransactionalId, transactionPartitionFor } from '../../src/kafka/coordinator-nudge.js';

test("Java's String.hashCode, including the overflowing and colliding cases", () => {
  assert.equal(javaHashCode(''), 0);
  assert.equal(javaHashCode('hello'), 99162322);
  assert.equal(javaHashCode('Aa'), javaHashCode('BB'));
  assert.equal(javaHashCode('polygenelubricants'), -2147483648);
});

test('a transactional id lands on the __transaction_state partition Kafka puts it on; a sibling shares it', () => {
  // Seen in brokers' logs: "Initialized transactionalId t5850b67a-central-group-lease ... on
  // partition __transaction_state-47", and so on (50 partitions, Kafka's default).
  assert.equal(transactionPartitionFor('t5850b67a-central-group-lease', 50), 47);
  assert.equal(transactionPartitionFor('te7cb1f49-central-group-lease', 50), 22);
  assert.equal(transactionPartitionFor('t7dfd32f0-central-group-lease', 50), 49);
  // Utils.abs maps Integer.MIN_VALUE to 0, not to a negative partition.
  assert.equal(transactionPartitionFor('polygenelubricants', 50), 0);
  for (const id of ['central-group-lease', 't5850b67a-central-group-lease', 'x']) {
    const sibling = siblingTransactionalId(id, 50);
    assert.notEqual(sibling, id);
    assert.ok(sibling.startsWith(`${id}.nudge-`));
    assert.equal(transactionPartitionFor(sibling, 50), transactionPartitionFor(id, 50));
  }
});
