/** Kafka's wire format, as much of it as the doctor's own requests need (non-flexible versions). */

/** Reads a response body. */
export class Reader {
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
  raw(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
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

/** Builds a request body. */
export class Writer {
  private readonly parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  bool(v: boolean): this {
    this.parts.push(Buffer.from([v ? 1 : 0]));
    return this;
  }
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = Buffer.from(s, 'utf8');
    this.int16(b.length);
    this.parts.push(b);
    return this;
  }
  bytes(b: Buffer): this {
    this.int32(b.length);
    this.parts.push(b);
    return this;
  }
  buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** One request as sent: size, header v1 (api key, version, correlation id, client id), body. */
export function frame(apiKey: number, apiVersion: number, correlationId: number, clientId: string, body: Buffer): Buffer {
  const payload = Buffer.concat([new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).string(clientId).buffer(), body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}
