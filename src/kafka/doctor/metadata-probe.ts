import { Reader, Writer } from './probe-codec.js';
import { ProbeConnection, type ProbeAuth } from './probe-connection.js';
import { authenticate } from './probe-sasl.js';

/**
 * A minimal Kafka Metadata request (v5) over a plain socket, for the doctor.
 *
 * kafkajs throws away a whole metadata response when any partition in it reports an error, so it
 * cannot say *which* partitions have no leader; and its clients spread one request over whichever
 * broker they like, so it cannot say which configured address answers. This asks one address
 * directly and keeps every partition, leaderless or not. Metadata v5 is served by every Kafka from
 * 1.0 to 4.x (Kafka 4 dropped only v0-v3). Nothing is created: auto-creation is always off.
 */

export interface ProbeBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ProbePartition {
  partition: number;
  /** Kafka error code for this partition: 0, or e.g. 5 LEADER_NOT_AVAILABLE. */
  errorCode: number;
  /** -1 when there is no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
}

export interface ProbeTopic {
  name: string;
  /** 0, or e.g. 3 UNKNOWN_TOPIC_OR_PARTITION (the topic does not exist). */
  errorCode: number;
  partitions: ProbePartition[];
}

export interface ProbeMetadata {
  brokers: ProbeBroker[];
  clusterId: string | null;
  /** -1 when the cluster names none. */
  controllerId: number;
  topics: ProbeTopic[];
}

export const ERROR_UNKNOWN_TOPIC = 3;
export const ERROR_LEADER_NOT_AVAILABLE = 5;

const KAFKA_ERRORS: Record<number, string> = {
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER',
  9: 'REPLICA_NOT_AVAILABLE',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  72: 'LISTENER_NOT_FOUND',
};
export const kafkaErrorName = (code: number): string => KAFKA_ERRORS[code] ?? `error code ${code}`;

const METADATA_API_KEY = 3;
const METADATA_VERSION = 5;

/**
 * Sends one Metadata request to `address` (`host:port`) and returns the answer. `topics` null asks
 * for every topic of the cluster, [] for none (brokers and controller only). With `auth`, over TLS
 * and after SASL, as kafka.security says. Rejects with a short reason (`connection refused`,
 * `timed out`, ...) after at most `timeoutMs`; a refused login with a SaslAuthenticationError.
 */
export async function probeMetadata(address: string, topics: string[] | null, timeoutMs: number, clientId = 'evcharge-doctor', auth: ProbeAuth | null = null): Promise<ProbeMetadata> {
  const connection = await ProbeConnection.open(address, auth, timeoutMs, clientId);
  try {
    if (auth?.sasl) await authenticate(connection, auth.sasl);
    const body = new Writer();
    // Topics (nullable array), allow_auto_topic_creation (always false: the doctor only reads).
    if (topics === null) body.int32(-1);
    else {
      body.int32(topics.length);
      for (const t of topics) body.string(t);
    }
    body.bool(false);
    const r = await connection.request(METADATA_API_KEY, METADATA_VERSION, body.buffer());
    try {
      return decodeMetadataResponse(r);
    } catch (e) {
      throw new Error(`unreadable answer (${(e as Error).message})`);
    }
  } finally {
    connection.close();
  }
}

function decodeMetadataResponse(r: Reader): ProbeMetadata {
  r.int32(); // throttle_time_ms
  const brokers = r.array(() => ({ nodeId: r.int32(), host: r.string() ?? '', port: r.int32(), rack: r.string() }));
  const clusterId = r.string();
  const controllerId = r.int32();
  const topics = r.array(() => {
    const errorCode = r.int16();
    const name = r.string() ?? '';
    r.bool(); // is_internal
    const partitions = r.array(() => ({
      errorCode: r.int16(),
      partition: r.int32(),
      leader: r.int32(),
      replicas: r.array(() => r.int32()),
      isr: r.array(() => r.int32()),
      offline: r.array(() => r.int32()),
    }));
    partitions.sort((a, b) => a.partition - b.partition);
    return { name, errorCode, partitions };
  });
  return { brokers, clusterId, controllerId, topics };
}

/**
 * A consumer group member's assignment (the classic consumer protocol's MemberAssignment):
 * `{ topic: partitions }`, empty when the group is rebalancing or the bytes are not that format.
 */
export function decodeMemberAssignment(buffer: Buffer | null | undefined): Record<string, number[]> {
  if (!buffer || buffer.length < 6) return {};
  try {
    const r = new Reader(buffer);
    r.int16(); // version
    const out: Record<string, number[]> = {};
    for (const { topic, partitions } of r.array(() => ({ topic: r.string() ?? '', partitions: r.array(() => r.int32()) }))) {
      out[topic] = partitions.sort((a, b) => a - b);
    }
    return out;
  } catch {
    return {};
  }
}

