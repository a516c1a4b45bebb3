import { hkdfSync, randomBytes } from 'node:crypto';
import { sealKeyFrom, type SealKey } from './seal.js';

/**
 * Long-term credentials and the keys derived from them (issue 12, part 2). A CP or driver holds a
 * 256-bit secret that central's registry also holds. Nothing else is exchanged in the clear:
 *
 * - its registration is sealed under its *registration key*, derived from the secret, which
 *   proves it holds the credential;
 * - central answers with a fresh key id, and the *session key* is derived from the secret and that
 *   id. Only the holder of the credential (and a central with the registry) can compute it, so the
 *   id can travel openly and every central, a standby taking over included, can verify the CP's
 *   records from the registry and the id on `cp-state`: no key material is ever written to Kafka;
 * - reset keys is a new id: records under the old one are refused as an unknown key.
 *
 * A symmetric secret rather than a key pair: central must be able to derive the session keys
 * anyway, HMAC-SHA-256 costs about a microsecond per record, and there is no PKI to run. The cost
 * is that the registry file is as secret as every credential in it (it is central's, mode 0600).
 */
export type IdentityKind = 'cp' | 'driver';

export const CREDENTIAL_BYTES = 32;

export function newCredentialSecret(): Buffer {
  return randomBytes(CREDENTIAL_BYTES);
}

/** `<kind>:<id>:<random>`: says whose it is in logs, unguessable, new at every registration. */
export function newKeyId(kind: IdentityKind, id: string): string {
  return `${kind}:${id}:${randomBytes(9).toString('base64url')}`;
}

function derived(secret: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), label, 32));
}

/** The key a CP seals its registration with (and a driver all its records: it never registers). */
export function identityKey(kind: IdentityKind, id: string, secret: Buffer): SealKey {
  return sealKeyFrom(`${kind}:${id}`, derived(secret, `evcharge/identity/${kind}/${id}`));
}

/** The session key named by a key id, from the credential it was issued against. */
export function sessionKey(kid: string, secret: Buffer): SealKey {
  return sealKeyFrom(kid, derived(secret, `evcharge/session/${kid}`));
}

/** Which identity a key id belongs to, or null when it is not one of ours. */
export function ownerOfKeyId(kid: string): { kind: IdentityKind; id: string } | null {
  const m = /^(cp|driver):([^:]+)(?::[A-Za-z0-9_-]+)?$/.exec(kid);
  return m ? { kind: m[1] as IdentityKind, id: m[2]! } : null;
}

/** A central's own key: `central:<instance id>`, from the registry's central secret. */
export function centralKey(kid: string, centralSecret: Buffer): SealKey {
  return sealKeyFrom(kid, derived(centralSecret, `evcharge/central/${kid}`));
}
