import type { IncomingRecord, OutgoingRecord } from '../../bus/bus.js';
import type { Credential } from '../../protocol/credential-file.js';
import { identityKey, sessionKey } from '../../protocol/credentials.js';
import type { SealKey } from '../../protocol/seal.js';
import type { HolderTrust, KeyRefusal, TrustPolicy } from '../shared/sealed-bus.js';

/**
 * The keys a CP holds: its identity key from its credential, and the session key central issued
 * at its registration (none before, a new one after reset keys). Only records under one of them
 * are central's: nobody else can derive either.
 */
export class CpKeys {
  readonly identity: SealKey;
  private current: SealKey | null = null;

  constructor(private readonly credential: Credential) {
    this.identity = identityKey('cp', credential.id, credential.secret);
  }

  get session(): SealKey | null {
    return this.current;
  }

  /** The key id of central's registration answer. */
  useSession(kid: string): void {
    if (this.current?.kid !== kid) this.current = sessionKey(kid, this.credential.secret);
  }

  forgetSession(): void {
    this.current = null;
  }
}

export function cpPolicy(trust: HolderTrust, keys: CpKeys): TrustPolicy {
  return {
    sealing(record: OutgoingRecord) {
      if (record.topic === 'dead-letter') return null;
      // The registration proves the credential; everything after it is under the session key.
      const key = record.topic === 'cp-register' ? keys.identity : (keys.session ?? keys.identity);
      // The audit trail is read by whoever audits, without this CP's key: signed, never encrypted.
      return { key, protection: record.topic === 'audit' ? 'sign' : trust.protection };
    },
    opening(kid: string, _record: IncomingRecord): SealKey | KeyRefusal {
      if (kid === keys.identity.kid) return keys.identity;
      if (keys.session && kid === keys.session.kid) return keys.session;
      return { code: 'unknown-key', reason: `${kid} is not a key of ${trust.credential.id} (central seals its orders to a CP with that CP's keys)` };
    },
    unsealed: (topic) => topic === 'dead-letter',
  };
}
