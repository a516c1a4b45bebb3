import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Writer } from './probe-codec.js';
import type { ProbeAuth, ProbeConnection } from './probe-connection.js';

const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

/** The brokers refused the doctor's user (wrong password, no such user, mechanism not enabled). */
export class SaslAuthenticationError extends Error {
  override readonly name = 'SaslAuthenticationError';
}

/**
 * SASL on the doctor's own connection: SaslHandshake v1, then SaslAuthenticate v1 rounds, as
 * Kafka's clients do. SCRAM (RFC 5802, what Kafka implements: no channel binding, no extensions)
 * or PLAIN. The server's final signature is checked too: a broker that cannot prove it knows
 * the password is not the cluster.
 */
export async function authenticate(connection: ProbeConnection, sasl: NonNullable<ProbeAuth['sasl']>): Promise<void> {
  const hs = await connection.request(SASL_HANDSHAKE, 1, new Writer().string(sasl.mechanism).buffer());
  const hsError = hs.int16();
  const offered = hs.array(() => hs.string() ?? '');
  if (hsError !== 0) throw new SaslAuthenticationError(`SASL ${sasl.mechanism} mechanism is not supported by the server (it offers ${offered.join(', ') || 'none'})`);
  const round = async (bytes: Buffer): Promise<Buffer> => {
    const r = await connection.request(SASL_AUTHENTICATE, 1, new Writer().bytes(bytes).buffer());
    const error = r.int16();
    const message = r.string();
    const length = r.int32();
    const answer = r.raw(Math.max(0, length));
    if (error !== 0) throw new SaslAuthenticationError(`SASL ${sasl.mechanism} authentication failed: ${message ?? `error code ${error}`}`);
    return answer;
  };
  if (sasl.mechanism === 'PLAIN') {
    await round(Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`, 'utf8'));
    return;
  }
  const scram = new ScramClient(sasl.mechanism, sasl.username, sasl.password);
  const serverFirst = (await round(Buffer.from(scram.first(), 'utf8'))).toString('utf8');
  const serverFinal = (await round(Buffer.from(scram.final(serverFirst), 'utf8'))).toString('utf8');
  scram.verify(serverFinal);
}

/** One SCRAM exchange, client side. */
export class ScramClient {
  private readonly hash: 'sha512' | 'sha256';
  private readonly bare: string;
  private serverSignature: Buffer | null = null;

  constructor(
    mechanism: 'SCRAM-SHA-512' | 'SCRAM-SHA-256',
    username: string,
    private readonly password: string,
    private readonly nonce = randomBytes(24).toString('base64'),
  ) {
    this.hash = mechanism === 'SCRAM-SHA-512' ? 'sha512' : 'sha256';
    this.bare = `n=${username.replaceAll('=', '=3D').replaceAll(',', '=2C')},r=${this.nonce}`;
  }

  first(): string {
    return `n,,${this.bare}`;
  }

  final(serverFirst: string): string {
    const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
    const nonce = attrs['r'] ?? '';
    const salt = Buffer.from(attrs['s'] ?? '', 'base64');
    const iterations = Number(attrs['i']);
    if (!nonce.startsWith(this.nonce) || salt.length === 0 || !Number.isInteger(iterations) || iterations < 1)
      throw new SaslAuthenticationError('SCRAM: the server\'s first message is not a valid answer');
    const hmac = (key: Buffer, text: string) => createHmac(this.hash, key).update(text, 'utf8').digest();
    const salted = pbkdf2Sync(this.password, salt, iterations, this.hash === 'sha512' ? 64 : 32, this.hash);
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.bare},${serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    this.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  verify(serverFinal: string): void {
    if (serverFinal.startsWith('e=')) throw new SaslAuthenticationError(`SCRAM: ${serverFinal.slice(2)}`);
    const v = Buffer.from(serverFinal.startsWith('v=') ? serverFinal.slice(2) : '', 'base64');
    if (!this.serverSignature || v.length !== this.serverSignature.length || !timingSafeEqual(v, this.serverSignature))
      throw new SaslAuthenticationError("SCRAM: the server's signature does not match: it does not know this user's credentials");
  }
}
