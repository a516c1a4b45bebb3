import { replaceKafkajsModule } from './kafkajs-module.js';

/**
 * kafkajs 2.2.4 sends a transaction's EndTxn (commit or abort) once. When it fails for a reason
 * that passes (the transaction coordinator's broker died or went silent and the coordinator is
 * moving, or is still loading), the producer is left in COMMITTING or ABORTING for good: every
 * later `transaction()` throws "Cannot call beginTransaction in state COMMITTING", and the only
 * way on is a new producer, whose init fences this one. Central then had to wait for its lease
 * to be confirmed before it dared to re-initialise (10-18 s of stalled decisions after a broker
 * failover), or stepped down. The Java client retries EndTxn on such errors against the new
 * coordinator; this does the same.
 *
 * Retrying is safe: the coordinator answers a repeated EndTxn of the same result and epoch with
 * success once the transaction completed, and CONCURRENT_TRANSACTIONS while it completes. A
 * producer fenced meanwhile gets a fatal error, which is not retried.
 */

interface KafkaError extends Error {
  type?: string;
  retriable?: boolean;
}
interface Broker {
  endTxn(request: unknown): Promise<unknown>;
}
interface Cluster {
  findGroupCoordinator(args: { groupId: string; coordinatorType?: number }): Promise<Broker>;
  connect?(): Promise<void>;
  disconnect?(): Promise<void>;
}
interface EosOptions {
  cluster: Cluster;
  logger?: { warn(message: string, extra?: object): void };
  transactionalId?: string;
  [other: string]: unknown;
}
type CreateEosManager = (options: EosOptions) => unknown;

/** Kafka's coordinator type of transaction coordinators (protocol/coordinatorTypes.js). */
const TRANSACTION = 1;
const RETRIABLE_TYPES = new Set([
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'CONCURRENT_TRANSACTIONS',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
]);
const RETRIABLE_NAMES = new Set(['KafkaJSConnectionError', 'KafkaJSRequestTimeoutError', 'KafkaJSConnectionClosedError', 'KafkaJSNumberOfRetriesExceeded', 'KafkaJSBrokerNotFound']);

/** Whether an EndTxn that failed this way may be sent again (to the coordinator found anew). */
export function endTxnRetriable(e: KafkaError): boolean {
  if (e.type !== undefined && RETRIABLE_TYPES.has(e.type)) return true;
  return RETRIABLE_NAMES.has(e.name);
}

export interface EndTxnRetryOptions {
  /** Longest time spent on one EndTxn, retries included. */
  deadlineMs: number;
  backoffMs: number;
}

const DEFAULTS: EndTxnRetryOptions = { deadlineMs: 20_000, backoffMs: 100 };

/** The cluster as the eos manager sees it: transaction coordinators' EndTxn is retried. */
export function retryingEndTxn(cluster: Cluster, logger: EosOptions['logger'], options: EndTxnRetryOptions = DEFAULTS): Cluster {
  // A producer disconnected meanwhile (a central stepping down or quitting) stops retrying: a
  // retry would look the coordinator up again and so connect the closed producer's client anew.
  let disconnected = false;
  const { connect, disconnect } = cluster;
  if (connect) cluster.connect = () => ((disconnected = false), connect.call(cluster));
  if (disconnect) cluster.disconnect = () => ((disconnected = true), disconnect.call(cluster));
  const find = async (args: { groupId: string; coordinatorType?: number }): Promise<Broker> => {
    const first = await cluster.findGroupCoordinator(args);
    if (args.coordinatorType !== TRANSACTION) return first;
    const endTxn = async (request: unknown): Promise<unknown> => {
      const deadline = Date.now() + options.deadlineMs;
      let broker: Broker | null = first;
      for (let attempt = 0; ; attempt++) {
        try {
          broker ??= await cluster.findGroupCoordinator(args);
          return await broker.endTxn(request);
        } catch (e) {
          const error = e as KafkaError;
          if (!endTxnRetriable(error) || disconnected || Date.now() >= deadline) throw error;
          logger?.warn(`EndTxn failed, sending it again to the transaction coordinator: ${error.message}`, { attempt });
          broker = null;
          await new Promise((r) => setTimeout(r, Math.min(1000, options.backoffMs * 2 ** Math.min(attempt, 4))));
        }
      }
    };
    return new Proxy(first as object, {
      get: (target, key) => (key === 'endTxn' ? endTxn : bound(target, key)),
    }) as Broker;
  };
  return new Proxy(cluster as object, {
    get: (target, key) => (key === 'findGroupCoordinator' ? find : bound(target, key)),
  }) as Cluster;
}

function bound(target: object, key: string | symbol): unknown {
  const value = Reflect.get(target, key, target) as unknown;
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
}

export function withEndTxnRetry(create: CreateEosManager, options?: EndTxnRetryOptions): CreateEosManager {
  return (eos) => create({ ...eos, cluster: retryingEndTxn(eos.cluster, eos.logger, options) });
}

/** kafkajs's own eos manager factory, as shipped (for tests). */
export let kafkajsEosManager: CreateEosManager | null = null;

/**
 * Replaces the eos manager module's export before kafkajs's producer requires it. Must run
 * before kafkajs is first loaded (see kafkajs.ts). Returns whether the module was patched.
 */
export function applyKafkajsTxnRetry(): boolean {
  kafkajsEosManager = replaceKafkajsModule<CreateEosManager>('producer/eosManager/index.js', (original) => withEndTxnRetry(original));
  return kafkajsEosManager !== null;
}

/** Applied as this module loads: src/kafka/kafkajs.ts imports it before kafkajs. */
export const kafkajsTxnRetryApplied = applyKafkajsTxnRetry();
