import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 keeps every idle connection busy: its request queue re-arms a timer with a
 * negative delay whenever nothing is pending, so each connection runs a 1 ms timer loop forever
 * (tulios/kafkajs#1556, still open). One idle CP process spent ~7 % of a core on it; forty role
 * processes on two cores starved each other and the brokers during failover tests.
 *
 * This replaces that one method: the queue is checked again only while requests are pending
 * (at the end of a client-side throttle, or after 10 ms as kafkajs does). Every other path that
 * can make a pending request sendable (a response arriving, a new request) already checks it.
 */
interface RequestQueueLike {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  throttledUntil: number;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

export function applyKafkajsIdleFix(): boolean {
  const require = createRequire(import.meta.url);
  let RequestQueue: { prototype: RequestQueueLike } | undefined;
  try {
    RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueLike };
  } catch {
    return false;
  }
  if (typeof RequestQueue?.prototype?.scheduleCheckPendingRequests !== 'function') return false;
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueLike) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS);
  };
  return true;
}
