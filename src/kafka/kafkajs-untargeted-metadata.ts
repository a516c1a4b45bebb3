import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 asks for the metadata of every topic in the cluster when a client refreshes its
 * metadata before it has any topic of its own (a producer connecting, a transactional producer
 * initialising, an admin client): an empty topic list goes on the wire as "all topics". Its answer
 * then fails as a whole when any one partition anywhere has no leader (LEADER_NOT_AVAILABLE), and
 * kafkajs retries until it gives up. So a topic with replication factor 1 on a broker that is
 * down, even one evcharge never uses, kept every role from connecting and a new active central
 * from initialising its producer: a takeover in the broker-failure test waited 40 s on a test's
 * RF 1 topic whose broker had been killed.
 *
 * The patch: such a refresh (and only such a refresh, not an admin client's explicit listing of
 * all topics) keeps the topics that answered without an error and leaves out the others; the
 * client had asked for none of them. A refresh for the client's own topics is unchanged, so a
 * leaderless partition of a topic evcharge uses is still retried as before.
 */
interface MetadataAnswer {
  topicMetadata: Array<{ topic: string; topicErrorCode: number; partitionMetadata: Array<{ partitionErrorCode: number }> }>;
  [other: string]: unknown;
}
interface ProtocolRequest {
  request: unknown;
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
  [other: string]: unknown;
}
interface BrokerLike {
  allowAutoTopicCreation: boolean;
  lookupRequest(apiKey: number, definitions: unknown): (args: { topics: string[]; allowAutoTopicCreation: boolean }) => ProtocolRequest;
}
interface BrokerClass {
  prototype: BrokerLike & { metadata(topics?: string[]): Promise<unknown> };
}
interface BrokerPoolClass {
  prototype: { refreshMetadata(topics: string[]): Promise<unknown> };
}

const UNTARGETED = Symbol.for('evcharge.kafkajs.untargeted-metadata');
const PATCHED = Symbol.for('evcharge.kafkajs.untargeted-metadata.patched');

/** The topics of an all-topics answer that came without an error (the others are left out). */
export function withoutFailedTopics<T extends MetadataAnswer>(data: T): T {
  return {
    ...data,
    topicMetadata: data.topicMetadata.filter((t) => t.topicErrorCode === 0 && t.partitionMetadata.every((p) => p.partitionErrorCode === 0)),
  };
}

/** An empty topic list that says "refreshing, no topics of my own yet". */
function untargeted(): string[] {
  return Object.assign([] as string[], { [UNTARGETED]: true });
}

export interface UntargetedMetadataModules {
  Broker: BrokerClass;
  BrokerPool: BrokerPoolClass;
  apiKeys: { Metadata: number };
  requests: { Metadata: unknown };
}

export function patchUntargetedMetadata({ Broker, BrokerPool, apiKeys, requests }: UntargetedMetadataModules): boolean {
  const broker = Broker.prototype as BrokerClass['prototype'] & { [PATCHED]?: true };
  const pool = BrokerPool.prototype as BrokerPoolClass['prototype'] & { [PATCHED]?: true };
  if (broker[PATCHED] && pool[PATCHED]) return true;
  const sendRequest = Object.getOwnPropertySymbols(Broker.prototype).find((s) => s.description === 'private:Broker:sendRequest');
  if (!sendRequest || typeof broker.metadata !== 'function' || typeof pool.refreshMetadata !== 'function') return false;
  const refreshMetadata = pool.refreshMetadata;
  pool.refreshMetadata = function (this: unknown, topics: string[]) {
    return refreshMetadata.call(this, Array.isArray(topics) && topics.length === 0 ? untargeted() : topics);
  };
  const metadata = broker.metadata;
  broker.metadata = async function (this: BrokerLike & Record<symbol, (r: ProtocolRequest) => Promise<unknown>>, topics: string[] = []) {
    if (!(topics as unknown as Record<symbol, unknown>)[UNTARGETED]) return metadata.call(this, topics);
    const protocol = this.lookupRequest(apiKeys.Metadata, requests.Metadata)({ topics: [], allowAutoTopicCreation: this.allowAutoTopicCreation });
    return this[sendRequest]!({
      ...protocol,
      response: { ...protocol.response, parse: async (data: unknown) => withoutFailedTopics(data as MetadataAnswer) },
    });
  };
  broker[PATCHED] = true;
  pool[PATCHED] = true;
  return true;
}

export function applyKafkajsUntargetedMetadataFix(): boolean {
  const require = createRequire(import.meta.url);
  try {
    return patchUntargetedMetadata({
      Broker: require('kafkajs/src/broker/index.js') as BrokerClass,
      BrokerPool: require('kafkajs/src/cluster/brokerPool.js') as BrokerPoolClass,
      apiKeys: require('kafkajs/src/protocol/requests/apiKeys.js') as { Metadata: number },
      requests: (require('kafkajs/src/protocol/requests/index.js') as { requests: { Metadata: unknown } }).requests,
    });
  } catch {
    return false;
  }
}
