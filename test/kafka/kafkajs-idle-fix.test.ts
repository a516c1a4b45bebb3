import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import '../../src/kafka/kafkajs.js';

type Queue = {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  throttledUntil: number;
  pending: unknown[];
  checks: number;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
};

// The method as kafkajs's own connections call it, on a stand-in queue object.
const { prototype } = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as { prototype: Queue };
const queue = (pending: unknown[], throttledUntil = -1): Queue => {
  const q = Object.create(prototype) as Queue;
  Object.assign(q, { throttleCheckTimeoutId: null, throttledUntil, pending, checks: 0 });
  q.checkPendingRequests = () => void q.checks++;
  return q;
};

test('an idle kafkajs request queue arms no timer (kafkajs 2.2.4 looped every millisecond)', () => {
  const q = queue([]);
  q.scheduleCheckPendingRequests();
  assert.equal(q.throttleCheckTimeoutId, null);
});

test('a pending request is checked again soon, or when a client-side throttle ends', async () => {
  const q = queue([{}]);
  q.scheduleCheckPendingRequests();
  assert.notEqual(q.throttleCheckTimeoutId, null);
  q.scheduleCheckPendingRequests(); // one timer at a time
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(q.checks, 1);

  const throttled = queue([{}], Date.now() + 120);
  throttled.scheduleCheckPendingRequests();
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(throttled.checks, 0, 'still throttled');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(throttled.checks, 1);
});
