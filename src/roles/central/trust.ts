import type { IncomingRecord, OutgoingRecord } from '../../bus/bus.js';
import { centralKey, identityKey, ownerOfKeyId, sessionKey, type IdentityKind } from '../../protocol/credentials.js';
import type { RecordProtection, SealKey } from '../../protocol/seal.js';
import type { KeyRefusal, TrustPolicy } from '../shared/sealed-bus.js';
import { activeSecret, type AuditedRegistry, type RegistryDoc } from './registry.js';

/** Central's record protection: the registry it derives every key from. */
export interface CentralTrust {
  protection: RecordProtection;
  /**
   * The registry as last read. `fresh`: a record named an identity it lacks, so look at the
   * file again now rather than at the next periodic check (a CP enrolled a moment ago).
   */
  registry: (fresh?: boolean) => RegistryDoc;
  /**
   * The registry as the audit trail last saw it (kept beside the registry file), so changes made
   * while no central was active are audited when one is; null: never audited (all of it is new).
   * Absent: only changes made while this central runs are audited.
   */
  audited?: { read(): AuditedRegistry | null; write(doc: AuditedRegistry): void };
  freshnessMs: number;
}

/** Which topics each kind of writer may write (besides central, which writes its own). */
const WRITES: Record<IdentityKind, ReadonlySet<string>> = {
  cp: new Set(['cp-register', 'telemetry', 'health']),
  driver: new Set(['auth-request']),
};

/**
 * Central's side of issue 12's part 2:
 * - it seals what it says to one CP with that CP's key (commands: the session key it issued;
 *   the registration answer: the CP's identity key, the only one the CP holds then), what it says
 *   to one driver with that driver's key, and everything else (cp-state, its ticks, the lease's
 *   records) with its own key, signed only: drivers read cp-state and cannot check it (see the
 *   README's threat model);
 * - it accepts a CP's registration only under that CP's identity key, the CP's other records only
 *   under the session key it issued (on cp-state, so a standby knows it too), a driver's requests
 *   only under that driver's key, and its own kind's records under any central's key.
 */
export function centralPolicy(trust: CentralTrust, instanceId: string, currentKid: (cpId: string) => string | undefined): TrustPolicy {
  const cache = new Map<string, SealKey | null>();
  const cached = (kid: string, make: () => SealKey | null) => {
    let k = cache.get(kid);
    if (k === undefined) {
      k = make();
      // Revocation and unknown ids are not cached: `registry add` and a reload may change them.
      if (k !== null) cache.set(kid, k);
    }
    return k;
  };
  const centralSecret = () => Buffer.from(trust.registry().central_secret, 'base64url');
  const ownKid = `central:${instanceId}`;
  // Every record checked asks for its writer's secret: one lookup per registry read, not a scan.
  const index = new WeakMap<RegistryDoc, Map<string, Buffer | null>>();
  const secretOf = (kind: IdentityKind, id: string, fresh = false) => {
    const doc = trust.registry(fresh);
    let secrets = index.get(doc);
    if (!secrets) index.set(doc, (secrets = new Map()));
    const name = `${kind}:${id}`;
    let s = secrets.get(name);
    if (s === undefined) secrets.set(name, (s = activeSecret(doc, kind, id)));
    return s;
  };
  const identity = (kind: IdentityKind, id: string) => cached(`${kind}:${id}`, () => {
    const s = secretOf(kind, id);
    return s && identityKey(kind, id, s);
  });
  const session = (kid: string, id: string) => cached(kid, () => {
    const s = secretOf('cp', id);
    return s && sessionKey(kid, s);
  });

  return {
    sealing(record: OutgoingRecord) {
      const { protection } = trust;
      switch (record.topic) {
        case 'dead-letter':
          return null;
        case 'cp-register-ack': {
          const key = identity('cp', record.key);
          return key && { key, protection };
        }
        case 'cp-commands': {
          const kid = currentKid(record.key);
          const key = (kid !== undefined ? session(kid, record.key) : null) ?? identity('cp', record.key);
          return key && { key, protection };
        }
        case 'auth-response':
        case 'driver-updates': {
          const key = identity('driver', record.key);
          return key && { key, protection };
        }
        default:
          return { key: cached(ownKid, () => centralKey(ownKid, centralSecret()))!, protection: 'sign' };
      }
    },
    opening(kid: string, record: IncomingRecord): SealKey | KeyRefusal {
      if (kid.startsWith('central:')) return cached(kid, () => centralKey(kid, centralSecret()))!;
      const owner = ownerOfKeyId(kid);
      if (!owner) return { code: 'unknown-key', reason: `${kid} is no key evcharge issues` };
      if (owner.id !== record.key) return { code: 'wrong-key', reason: `${kid} is ${owner.kind} ${owner.id}'s key and cannot speak for ${record.key ?? '(no key)'}` };
      if (!WRITES[owner.kind].has(record.topic)) return { code: 'wrong-key', reason: `a ${owner.kind}'s key does not write ${record.topic}` };
      if (secretOf(owner.kind, owner.id) === null && secretOf(owner.kind, owner.id, true) === null) return { code: 'unknown-key', reason: `${owner.kind} ${owner.id} is not in the registry or was revoked` };
      const isIdentity = kid === `${owner.kind}:${owner.id}`;
      if (owner.kind === 'driver' || record.topic === 'cp-register') {
        return isIdentity ? identity(owner.kind, owner.id)! : { code: 'wrong-key', reason: `${record.topic} takes ${owner.kind} ${owner.id}'s credential, not a session key` };
      }
      if (kid !== currentKid(owner.id)) return { code: 'unknown-key', reason: `${kid} is not the key central issued to ${owner.id} (reset, or from an earlier registration)` };
      return session(kid, owner.id)!;
    },
    unsealed: (topic) => topic === 'dead-letter',
  };
}
