import type { IdentityKind } from './credentials.js';

/**
 * The file `evcharge registry add` writes for one CP or driver, to be copied to its machine:
 * `{"evcharge_credential":1,"kind":"cp","id":"CP001","secret":"…","issued":"…"}`, mode 0600.
 */
export interface Credential {
  kind: IdentityKind;
  id: string;
  secret: Buffer;
  issued: string;
}

export function credentialText(c: Credential): string {
  return JSON.stringify({ evcharge_credential: 1, kind: c.kind, id: c.id, secret: c.secret.toString('base64url'), issued: c.issued }, null, 2) + '\n';
}

/** A credential file's text, for the identity the role runs as; the error says what to do. */
export function parseCredential(text: string, source: string, want: { kind: IdentityKind; id: string }): Credential | { error: string } {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { error: `${source} is not a credential file (not JSON); make one with: evcharge registry add ${want.kind} ${want.id}` };
  }
  if (!raw || raw.evcharge_credential !== 1 || typeof raw.secret !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(raw.secret)) {
    return { error: `${source} is not a credential file (no evcharge_credential 1 with a 256-bit secret); make one with: evcharge registry add ${want.kind} ${want.id}` };
  }
  if (raw.kind !== want.kind || raw.id !== want.id) {
    return { error: `${source} is the credential of ${String(raw.kind)} ${String(raw.id)}, not of ${want.kind} ${want.id}: each ${want.kind} needs its own (evcharge registry add ${want.kind} ${want.id})` };
  }
  return { kind: want.kind, id: want.id, secret: Buffer.from(raw.secret, 'base64url'), issued: typeof raw.issued === 'string' ? raw.issued : '' };
}
