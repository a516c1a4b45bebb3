import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepingRefusals } from '../../src/kafka/kafkajs-refusal-kept.js';

// kafkajs's BrokerPool.withBroker as it is: every broker in turn, every failure swallowed.
async function withBroker(this: { brokers: number[] }, callback: (arg: unknown) => Promise<unknown>) {
  for (const nodeId of this.brokers) {
    try {
      return await callback({ nodeId });
    } catch {}
  }
  return null;
}
const pool = { brokers: [1, 2, 3], withBroker: keepingRefusals(withBroker as never) };
const refusal = Object.assign(new Error('Not authorized to access group: Group authorization failed'), { type: 'GROUP_AUTHORIZATION_FAILED' });

test("every broker refusing for want of an ACL: the refusal, not kafkajs's \"Failed to find group coordinator\"", async () => {
  await assert.rejects(pool.withBroker(async () => Promise.reject(refusal)), (e) => e === refusal);
});

test('other failures stay swallowed, and one broker that answers wins', async () => {
  const other = Object.assign(new Error('not available'), { type: 'COORDINATOR_NOT_AVAILABLE' });
  assert.equal(await pool.withBroker(async () => Promise.reject(other)), null);
  let calls = 0;
  assert.equal(await pool.withBroker(async () => (++calls === 1 ? Promise.reject(refusal) : 'coordinator 2')), 'coordinator 2');
});
