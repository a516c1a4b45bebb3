import type { CreateSendMessages } from './kafkajs-send-fix.js';

/**
 * kafkajs 2.2.4 can write a send's records twice. A send to several brokers runs one request per
 * broker at once and retries when any of them fails; the retry re-sends to every broker that has
 * no answer *yet*. A request still in flight when another broker's request failed fast (a
 * CONCURRENT_TRANSACTIONS refusal right after a commit, say) has no answer yet, so its records go
 * out a second time once it lands, under the next sequence numbers, which the broker accepts as
 * new records. Seen here: central's dead-letter copies of 150 records written twice, one after the
 * other, in one committed transaction.
 *
 * The wrapper below gives each send a retrier that lets every request of a failed attempt settle
 * (answered or failed) before the next attempt looks at which brokers still need asking. The
 * requests are counted through the producer's per-broker lock, which kafkajs takes around each
 * broker's AddPartitionsToTxn and Produce.
 *
 * The same retrier refreshes the metadata after a request timeout. kafkajs refreshes it after a
 * refusal or a connection error, not after a timeout, so a producer whose partition leader sits
 * on a machine that went silent (cut off, not down) kept sending there, timing out every time,
 * long after the partition had a new leader: on the namespace hosts a CP's telemetry never got
 * through for the 40 s its host's neighbour was cut off.
 */

/**
 * The longest a retry waits for the failed attempt's other requests. A request to a broker that
 * went silent hangs until its timeout (30 s by default): the retry must not wait that long to
 * ask the brokers that can answer. The race seen took ~150 ms.
 */
const SETTLE_MAX_MS = 2000;

interface BrokerLocks {
  acquireBrokerLock(broker: unknown): Promise<void>;
  releaseBrokerLock(broker: unknown): unknown;
}
type Attempt<T> = (bail: (e: Error) => void, retryCount: number, retryTime: number) => Promise<T>;
type Retrier = <T>(attempt: Attempt<T>) => Promise<T>;

/** Requests under way, and a wait for none. */
class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  begin(): void {
    this.count++;
  }

  end(): void {
    this.count--;
    if (this.count > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when none is under way, or after `maxMs` at most. */
  idle(maxMs: number): Promise<void> {
    if (this.count <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export function settleBeforeRetry(createSendMessages: CreateSendMessages): CreateSendMessages {
  return (options) => {
    const locks = options['eosManager'] as BrokerLocks | undefined;
    const retrier = options['retrier'] as Retrier | undefined;
    const cluster = options.cluster as unknown as { refreshMetadata?: () => Promise<void> };
    if (!locks || typeof locks.acquireBrokerLock !== 'function' || typeof retrier !== 'function') return createSendMessages(options);
    return (args) => {
      const requests = new InFlight();
      // The producer's own state (sequences, transaction) stays in the original; only the lock
      // calls are seen on their way through.
      const eosManager = Object.create(locks) as BrokerLocks;
      eosManager.acquireBrokerLock = async (broker) => {
        requests.begin();
        try {
          await locks.acquireBrokerLock(broker);
        } catch (e) {
          requests.end();
          throw e;
        }
      };
      eosManager.releaseBrokerLock = (broker) => {
        try {
          return locks.releaseBrokerLock(broker);
        } finally {
          requests.end();
        }
      };
      const settled: Retrier = (attempt) =>
        retrier(async (bail, retryCount, retryTime) => {
          try {
            return await attempt(bail, retryCount, retryTime);
          } catch (e) {
            if ((e as Error).name === 'KafkaJSRequestTimeoutError') await cluster.refreshMetadata?.().catch(() => {});
            throw e;
          } finally {
            await requests.idle(SETTLE_MAX_MS);
          }
        });
      return createSendMessages({ ...options, eosManager, retrier: settled })(args);
    };
  };
}
