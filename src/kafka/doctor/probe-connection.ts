import net from 'node:net';
import tls from 'node:tls';
import { frame, Reader } from './probe-codec.js';

/** TLS and SASL for the doctor's own requests, from kafka.security. */
export interface ProbeAuth {
  /** null: no TLS. `ca` null: the system's CAs. */
  tls: { ca: string | null } | null;
  sasl: { mechanism: 'SCRAM-SHA-512' | 'SCRAM-SHA-256' | 'PLAIN'; username: string; password: string } | null;
}

/**
 * One connection to one broker address for the doctor: requests answered in order, one at a
 * time. Everything (connecting, the TLS handshake, each answer) shares one deadline; a failure
 * rejects with a short reason (`connection refused`, `timed out`, ...), keeping a TLS error's code.
 */
export class ProbeConnection {
  private chunks: Buffer[] = [];
  private received = 0;
  private waiting: { correlationId: number; resolve: (r: Reader) => void; reject: (e: Error) => void } | null = null;
  private failed: Error | null = null;
  private nextId = Math.floor(Math.random() * 0x3fffffff);
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly socket: net.Socket,
    timeoutMs: number,
    private readonly clientId: string,
  ) {
    this.timer = setTimeout(() => this.fail(new Error('timed out')), timeoutMs);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.once('error', (e: NodeJS.ErrnoException) => this.fail(Object.assign(new Error(socketReason(e)), { code: e.code })));
    socket.once('close', () => this.fail(new Error('closed the connection without answering')));
  }

  static open(address: string, auth: ProbeAuth | null, timeoutMs: number, clientId: string): Promise<ProbeConnection> {
    const i = address.lastIndexOf(':');
    const host = address.slice(0, i);
    const port = Number(address.slice(i + 1));
    const socket = auth?.tls
      ? tls.connect({ host, port, ...(auth.tls.ca !== null && { ca: [auth.tls.ca] }), ...(net.isIP(host) === 0 && { servername: host }) })
      : net.connect({ host, port });
    const connection = new ProbeConnection(socket, timeoutMs, clientId);
    return new Promise((resolve, reject) => {
      // Until connected, a failure (refused, a TLS error, the deadline) rejects the open.
      connection.waiting = { correlationId: -1, resolve: () => {}, reject };
      socket.once(auth?.tls ? 'secureConnect' : 'connect', () => {
        connection.waiting = null;
        resolve(connection);
      });
    });
  }

  /** Sends one request and resolves with its answer, read past the correlation id. */
  request(apiKey: number, apiVersion: number, body: Buffer): Promise<Reader> {
    if (this.failed) return Promise.reject(this.failed);
    const correlationId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting = { correlationId, resolve, reject };
      this.socket.write(frame(apiKey, apiVersion, correlationId, this.clientId, body));
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.failed ??= new Error('closed');
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    this.received += d.length;
    if (this.received < 4) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    const size = all.readInt32BE(0);
    if (all.length < 4 + size) return;
    this.chunks = [all.subarray(4 + size)];
    this.received = all.length - 4 - size;
    const waiting = this.waiting;
    this.waiting = null;
    try {
      const r = new Reader(all.subarray(4, 4 + size));
      if (r.int32() !== waiting?.correlationId) throw new Error('answered another request');
      waiting.resolve(r);
    } catch (e) {
      this.fail(new Error(`unreadable answer (${(e as Error).message})`));
    }
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    clearTimeout(this.timer);
    this.socket.destroy();
    this.waiting?.reject(e);
    this.waiting = null;
  }
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
      return e.message || (e.code ?? 'socket error');
  }
}
