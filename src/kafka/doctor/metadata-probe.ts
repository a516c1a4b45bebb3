import net from 'node:net';

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
 * for every topic of the cluster, [] for none (brokers and controller only). Rejects with a short
 * reason (`connection refused`, `timed out`, ...) after at most `timeoutMs`.
 */
export function probeMetadata(address: string, topics: string[] | null, timeoutMs: number, clientId = 'evcharge-doctor'): Promise<ProbeMetadata> {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i);
  const port = Number(address.slice(i + 1));
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (err: Error | null, value?: ProbeMetadata) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(new Error('timed out')), timeoutMs);
    socket.once('connect', () => socket.write(encodeMetadataRequest(correlationId, clientId, topics)));
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      received += d.length;
      if (received < 4) return;
      const all = Buffer.concat(chunks);
      chunks = [all];
      const size = all.readInt32BE(0);
      if (all.length < 4 + size) return;
      try {
        const r = new Reader(all.subarray(4, 4 + size));
        const gotId = r.int32();
        if (gotId !== correlationId) throw new Error('answered another request');
        finish(null, decodeMetadataResponse(r));
      } catch (e) {
        finish(new Error(`unreadable answer (${(e as Error).message})`));
      }
    });
    socket.once('error', (e: NodeJS.ErrnoException) => finish(new Error(socketReason(e))));
    socket.once('close', () => finish(new Error('closed the connection without answering')));
  });
}

function socketReason(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ETIMEDOUT':
      return 'timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
      return 'connection reset';
    default:
      return e.code ?? e.message;
  }
}

function encodeMetadataRequest(correlationId: number, clientId: string, topics: string[] | null): Buffer {
  const parts: Buffer[] = [];
  const int16 = (v: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    parts.push(b);
  };
  const int32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    parts.push(b);
  };
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    int16(b.length);
    parts.push(b);
  };
  // Request header v1: api key, version, correlation id, client id.
  int16(METADATA_API_KEY);
  int16(METADATA_VERSION);
  int32(correlationId);
  str(clientId);
  // Body: topics (nullable array), allow_auto_topic_creation (always false: the doctor only reads).
  if (topics === null) int32(-1);
  else {
    int32(topics.length);
    topics.forEach(str);
  }
  parts.push(Buffer.from([0]));
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
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

class Reader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number) {
    if (this.offset + n > this.buf.length) throw new Error('truncated');
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  bool(): boolean {
    this.need(1);
    return this.buf[this.offset++] !== 0;
  }
  string(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return s;
  }
  array<T>(item: () => T): T[] {
    const n = this.int32();
    if (n < 0) return [];
    if (n > this.buf.length) throw new Error('bad array length');
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
}
