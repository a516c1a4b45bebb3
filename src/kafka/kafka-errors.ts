/** How the Kafka bus sorts kafkajs errors: retry, start a new producer, or refuse the record. */

const causeChain = (e: Error): string => {
  let text = e.message;
  for (let c = (e as { cause?: Error }).cause; c; c = (c as { cause?: Error }).cause) text += ` | ${c.message}`;
  return text;
};

/** The idempotent producer's sequence numbers or id were refused: only a new producer helps. */
export function isSequenceError(e: Error): boolean {
  return /out of order sequence|UNKNOWN_PRODUCER_ID|producer (id|epoch)|INVALID_PRODUCER_EPOCH|OutOfOrderSequence/i.test(causeChain(e));
}

/** The broker refuses this record for good (over its size limit): retrying cannot help. */
export function isSizeError(e: Error): boolean {
  return /larger than the max message size|MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|too large/i.test(causeChain(e));
}

/** Errors worth waiting out: the cluster or a leader is away. Anything else is a bug or bad input. */
export function isRetriable(e: Error & { retriable?: boolean; name: string }): boolean {
  if (e.retriable) return true;
  if (/KafkaJSNumberOfRetriesExceeded|KafkaJSConnectionError|KafkaJSRequestTimeoutError|KafkaJSNonRetriableError/.test(e.name)) {
    // NonRetriable is what kafkajs throws once its own retries are exhausted; look at the cause.
    const cause = (e as { cause?: Error & { retriable?: boolean } }).cause;
    return e.name !== 'KafkaJSNonRetriableError' || cause === undefined || isRetriable(cause as Error & { retriable?: boolean });
  }
  return /ECONNREFUSED|ECONNRESET|EPIPE|Connection (timeout|error)|not connected|disconnected|leader|coordinator|NOT_ENOUGH_REPLICAS|timed out/i.test(e.message);
}

/** The consumer session timeouts a broker allows (group.min/max.session.timeout.ms). */
export interface SessionRange {
  minMs: number;
  maxMs: number;
}

/**
 * What to tell the user when the brokers refuse a consumer session of `ms` set by `key`, with the
 * range the brokers said they allow when they could be asked.
 */
export function sessionRefusedText(key: string, ms: number, range?: SessionRange | null): string {
  if (range) {
    const fix = ms < range.minMs ? `set ${key} to at least ${range.minMs}` : ms > range.maxMs ? `set ${key} to at most ${range.maxMs}` : `set ${key} within that range`;
    return (
      `${key} (${ms} ms) is outside the consumer session timeouts the brokers allow: ${range.minMs}-${range.maxMs} ms ` +
      `(group.min.session.timeout.ms to group.max.session.timeout.ms). ${fix[0]!.toUpperCase()}${fix.slice(1)}, or change those broker settings ` +
      `(the local Kafka of scripts/kafka.mjs allows 500 ms and up)`
    );
  }
  return (
    `${key} (${ms} ms) is outside the consumer session timeouts the brokers allow ` +
    `(group.min.session.timeout.ms, 6000 ms by default, to group.max.session.timeout.ms): raise ${key} ` +
    `to at least the brokers' minimum, or lower group.min.session.timeout.ms on the brokers (the local Kafka of scripts/kafka.mjs allows 500)`
  );
}
