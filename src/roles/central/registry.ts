import type { IdentityKind } from '../../protocol/credentials.js';

/**
 * Central's registry of identities (issue 12, part 2): which CPs and drivers hold a credential,
 * and which of them were revoked. Pure rules over the document; the file is the CLI's
 * (src/cli/registry-store.ts). A revoked identity stays listed, so it is kept out for good and
 * `registry add` names it instead of silently issuing a new credential.
 */
export interface Identity {
  kind: IdentityKind;
  id: string;
  /** The 256-bit credential secret, base64url. Central derives every session key from it. */
  secret: string;
  issued: string;
  revoked: string | null;
}

export interface RegistryDoc {
  evcharge_registry: 1;
  /**
   * The centrals' own secret, base64url: every central (active or standby) derives the key it
   * seals its own records with from it, so the others can check them.
   */
  central_secret: string;
  identities: Identity[];
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

/** A new registry, with a new secret for the centrals. */
export const emptyRegistry = (centralSecret: Buffer): RegistryDoc => ({ evcharge_registry: 1, central_secret: centralSecret.toString('base64url'), identities: [] });

const B64URL = /^[A-Za-z0-9_-]{43}$/;
const ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The registry file's text as a document; a broken file is named with what is wrong, never half-read. */
export function parseRegistry(text: string, source: string): RegistryDoc {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RegistryError(`registry ${source}: not valid JSON; restore it from a backup (every credential in it is lost otherwise)`);
  }
  const doc = raw as Partial<RegistryDoc> | null;
  if (!doc || doc.evcharge_registry !== 1 || !Array.isArray(doc.identities)) throw new RegistryError(`registry ${source}: not an evcharge registry (no "evcharge_registry": 1 with an identities list)`);
  if (typeof doc.central_secret !== 'string' || !B64URL.test(doc.central_secret)) throw new RegistryError(`registry ${source}: central_secret is missing or not a 256-bit secret; restore the file from a backup`);
  doc.identities.forEach((i, n) => {
    const ok = i && (i.kind === 'cp' || i.kind === 'driver') && typeof i.id === 'string' && ID.test(i.id) && typeof i.secret === 'string' && B64URL.test(i.secret) && typeof i.issued === 'string' && (i.revoked === null || typeof i.revoked === 'string');
    if (!ok) throw new RegistryError(`registry ${source}: identities[${n}] is not a valid entry (kind cp|driver, id, a 256-bit secret, issued, revoked)`);
  });
  return doc as RegistryDoc;
}

export function findIdentity(doc: RegistryDoc, kind: IdentityKind, id: string): Identity | undefined {
  return doc.identities.find((i) => i.kind === kind && i.id === id);
}

/** A new identity; refused while one of the same kind and id exists, revoked or not. */
export function addIdentity(doc: RegistryDoc, kind: IdentityKind, id: string, secret: Buffer, now: Date): { doc: RegistryDoc; identity: Identity } {
  const existing = findIdentity(doc, kind, id);
  if (existing) {
    throw new RegistryError(
      existing.revoked === null
        ? `${kind} ${id} already has a credential (issued ${existing.issued}); to issue a new one, revoke it first: evcharge registry revoke ${kind} ${id}, then evcharge registry add ${kind} ${id} --replace`
        : `${kind} ${id} was revoked on ${existing.revoked} and stays out; to let it in again with a new credential: evcharge registry add ${kind} ${id} --replace`,
    );
  }
  const identity: Identity = { kind, id, secret: secret.toString('base64url'), issued: now.toISOString(), revoked: null };
  return { doc: { ...doc, identities: [...doc.identities, identity] }, identity };
}

/** `--replace`: a revoked identity gets a new credential; an active one must be revoked first, on purpose. */
export function replaceIdentity(doc: RegistryDoc, kind: IdentityKind, id: string, secret: Buffer, now: Date): { doc: RegistryDoc; identity: Identity } {
  const existing = findIdentity(doc, kind, id);
  if (existing && existing.revoked === null) {
    throw new RegistryError(`${kind} ${id} still has an active credential (issued ${existing.issued}): revoke it first (evcharge registry revoke ${kind} ${id}); --replace never ends a working credential by itself`);
  }
  const rest = { ...doc, identities: doc.identities.filter((i) => i !== existing) };
  return addIdentity(rest, kind, id, secret, now);
}

export function revokeIdentity(doc: RegistryDoc, kind: IdentityKind, id: string, now: Date): RegistryDoc {
  const existing = findIdentity(doc, kind, id);
  if (!existing) throw new RegistryError(`${kind} ${id} is not in the registry (evcharge registry list shows who is)`);
  if (existing.revoked !== null) throw new RegistryError(`${kind} ${id} was already revoked on ${existing.revoked}`);
  return { ...doc, identities: doc.identities.map((i) => (i === existing ? { ...i, revoked: now.toISOString() } : i)) };
}

/** The secret central derives keys from, or null: not registered, or revoked. */
export function activeSecret(doc: RegistryDoc, kind: IdentityKind, id: string): Buffer | null {
  const i = findIdentity(doc, kind, id);
  return i && i.revoked === null ? Buffer.from(i.secret, 'base64url') : null;
}

/** A registry as the audit trail last saw it: who, issued and revoked when; no secrets. */
export interface AuditedRegistry {
  identities: Pick<Identity, 'kind' | 'id' | 'issued' | 'revoked'>[];
}

export const auditedView = (doc: AuditedRegistry): AuditedRegistry => ({ identities: doc.identities.map(({ kind, id, issued, revoked }) => ({ kind, id, issued, revoked })) });

/** What changed from one registry to the next, for the audit trail (secrets never named). */
export function registryChanges(before: AuditedRegistry, after: AuditedRegistry): { action: 'registry-add' | 'registry-revoke'; kind: IdentityKind; id: string; detail: string }[] {
  const key = (i: AuditedRegistry['identities'][number]) => `${i.kind}:${i.id}`;
  const old = new Map(before.identities.map((i) => [key(i), i]));
  const out: ReturnType<typeof registryChanges> = [];
  for (const i of after.identities) {
    const was = old.get(key(i));
    if (!was || was.issued !== i.issued) out.push({ action: 'registry-add', kind: i.kind, id: i.id, detail: `credential issued ${i.issued}${was ? ' (replacing a revoked one)' : ''}` });
    else if (was.revoked === null && i.revoked !== null) out.push({ action: 'registry-revoke', kind: i.kind, id: i.id, detail: `revoked ${i.revoked}` });
  }
  const now = new Set(after.identities.map(key));
  for (const i of before.identities) if (!now.has(key(i))) out.push({ action: 'registry-revoke', kind: i.kind, id: i.id, detail: 'removed from the registry' });
  return out;
}
