import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Record authentication and encryption (issue 12, part 2): pure functions over a record's value,
 * no I/O. A sealed value wraps the plain envelope JSON:
 *
 *   {"sealed":1,"alg":"hmac","kid":"…","ctr":17,"ts":…,"body":"<envelope JSON>","tag":"<base64>"}
 *   {"sealed":1,"alg":"gcm","kid":"…","ctr":17,"ts":…,"iv":"…","body":"<base64 ciphertext>","tag":"…"}
 *
 * The tag covers the body and a header binding the record's topic and key, the key id, the
 * counter and the writer's clock, so a record cannot be moved to another topic, re-keyed for
 * another CP, or have its counter changed. The wrapper sits outside the envelope rather than in
 * it so the tag is over exact bytes (no canonical JSON needed) and decode stays as it is: open
 * first, then decode the body.
 *
 * Replay (a copy of an authenticated record written again) and staleness are the ReplayGuard's,
 * below: the tag alone says who wrote a record, not that it is new.
 */

export type SealAlg = 'hmac' | 'gcm';
export type RecordProtection = 'sign' | 'encrypt';

/** A session key as held by its two ends: the id travels in every record, the secret never. */
export interface SealKey {
  kid: string;
  /** HMAC-SHA-256 key for `sign`. */
  mac: Buffer;
  /** AES-256-GCM key for `encrypt`. */
  enc: Buffer;
}

export const SESSION_SECRET_BYTES = 32;

/** Two keys from one 256-bit secret, so signing and encrypting never share a key. */
export function sealKeyFrom(kid: string, secret: Buffer): SealKey {
  if (secret.length < SESSION_SECRET_BYTES) throw new RangeError(`a session secret has ${SESSION_SECRET_BYTES} bytes, not ${secret.length}`);
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `evcharge/seal/${label}`, 32));
  return { kid, mac: derive('mac'), enc: derive('enc') };
}

export function newSessionSecret(): Buffer {
  return randomBytes(SESSION_SECRET_BYTES);
}

interface SealedHeader {
  topic: string;
  key: string;
  kid: string;
  ctr: number;
  ts: number;
  alg: SealAlg;
}

const headerText = (h: SealedHeader) => `evcharge-seal/1\n${h.topic}\n${h.key}\n${h.kid}\n${h.ctr}\n${h.ts}\n${h.alg}\n`;

function macOf(key: SealKey, h: SealedHeader, body: string): Buffer {
  return createHmac('sha256', key.mac).update(headerText(h)).update(body).digest();
}

/** The sealed value of one record. `ctr` must grow with every record this key seals on a topic. */
export function sealValue(topic: string, recordKey: string, value: string, key: SealKey, ctr: number, ts: number, protection: RecordProtection): string {
  const alg: SealAlg = protection === 'encrypt' ? 'gcm' : 'hmac';
  const h: SealedHeader = { topic, key: recordKey, kid: key.kid, ctr, ts: Math.floor(ts), alg };
  if (alg === 'hmac') {
    return JSON.stringify({ sealed: 1, alg, kid: h.kid, ctr, ts: h.ts, body: value, tag: macOf(key, h, value).toString('base64') });
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.enc, iv);
  cipher.setAAD(Buffer.from(headerText(h)));
  const body = cipher.update(value, 'utf8').toString('base64');
  cipher.final();
  return JSON.stringify({ sealed: 1, alg, kid: h.kid, ctr, ts: h.ts, iv: iv.toString('base64'), body, tag: cipher.getAuthTag().toString('base64') });
}

export type OpenFailure = 'unsealed' | 'bad-seal' | 'unknown-key' | 'bad-tag';

export type OpenResult =
  | { ok: true; value: string; kid: string; ctr: number; ts: number; alg: SealAlg }
  | { ok: false; code: OpenFailure; reason: string; kid: string | null };

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Is this value sealed at all (a cheap look before parsing)? */
export function looksSealed(value: string | null): boolean {
  return value !== null && value.startsWith('{"sealed":');
}

/**
 * Checks a sealed value's tag with the key its id names and gives back the plain envelope JSON.
 * Never throws. `keyFor` returns null for a key id it does not know (or knows as revoked).
 */
export function openValue(topic: string, recordKey: string | null, value: string | null, keyFor: (kid: string) => SealKey | null): OpenResult {
  const fail = (code: OpenFailure, reason: string, kid: string | null = null): OpenResult => ({ ok: false, code, reason: `${code}: ${reason}`, kid });
  if (value === null || !looksSealed(value)) return fail('unsealed', 'the record carries no seal');
  let w: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('bad-seal', 'not an object');
    w = parsed as Record<string, unknown>;
  } catch {
    return fail('bad-seal', 'not valid JSON');
  }
  const { alg, kid, ctr, ts, body, tag, iv } = w;
  if (w.sealed !== 1) return fail('bad-seal', 'unknown seal version');
  if (alg !== 'hmac' && alg !== 'gcm') return fail('bad-seal', 'alg is neither hmac nor gcm');
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 200) return fail('bad-seal', 'kid missing');
  if (typeof ctr !== 'number' || !Number.isSafeInteger(ctr) || ctr < 0) return fail('bad-seal', 'ctr is not a counter', kid);
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) return fail('bad-seal', 'ts is not a time', kid);
  if (typeof body !== 'string' || typeof tag !== 'string' || tag.length > 64 || !B64.test(tag)) return fail('bad-seal', 'body or tag missing', kid);
  const key = keyFor(kid);
  if (key === null) return fail('unknown-key', `key ${kid} is not one this reader holds (unknown, revoked or reset)`, kid);
  const h: SealedHeader = { topic, key: recordKey ?? '', kid, ctr, ts, alg };
  const given = Buffer.from(tag, 'base64');
  if (alg === 'hmac') {
    const want = macOf(key, h, body);
    if (given.length !== want.length || !timingSafeEqual(given, want)) return fail('bad-tag', `the tag does not match key ${kid}`, kid);
    return { ok: true, value: body, kid, ctr, ts, alg };
  }
  // A body that is not base64 decodes to other bytes, and the tag then fails: no regex over it.
  if (typeof iv !== 'string' || iv.length !== 16 || !B64.test(iv)) return fail('bad-seal', 'iv is not base64 of 12 bytes', kid);
  // GCM would check a truncated tag as far as it goes: anything but the full 16 bytes is refused.
  if (given.length !== 16) return fail('bad-tag', `the tag is not 16 bytes for key ${kid}`, kid);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.enc, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(headerText(h)));
    decipher.setAuthTag(given);
    const plain = decipher.update(Buffer.from(body, 'base64'));
    // GCM's final() gives no bytes; it throws when the tag does not match.
    decipher.final();
    return { ok: true, value: plain.toString('utf8'), kid, ctr, ts, alg };
  } catch {
    return fail('bad-tag', `the ciphertext does not open with key ${kid}`, kid);
  }
}

/**
 * The envelope inside a signed value, without checking its tag: for a reader that cannot hold the
 * writer's key (a driver reading cp-state, `evcharge audit`). Null for an encrypted or broken one.
 */
export function signedBody(value: string): string | null {
  try {
    const w = JSON.parse(value) as { sealed?: unknown; alg?: unknown; body?: unknown };
    return w.sealed === 1 && w.alg === 'hmac' && typeof w.body === 'string' ? w.body : null;
  } catch {
    return null;
  }
}
