import type { IncomingRecord, OutgoingRecord } from '../../bus/bus.js';
import { identityKey } from '../../protocol/credentials.js';
import type { SealKey } from '../../protocol/seal.js';
import type { HolderTrust, KeyRefusal, TrustPolicy } from '../shared/sealed-bus.js';

/**
 * A driver seals its requests and stops with its identity key and accepts answers only under it.
 * cp-state, the catalogue it lists CPs from, is signed by central with a key drivers do not hold:
 * it reads it unchecked, and the ACLs are what keep anyone but central from writing it.
 */
export function driverPolicy(trust: HolderTrust): TrustPolicy {
  const key = identityKey('driver', trust.credential.id, trust.credential.secret);
  return {
    // The audit trail is read by whoever audits, without this driver's key: signed, never encrypted.
    sealing: (record: OutgoingRecord) => (record.topic === 'dead-letter' ? null : { key, protection: record.topic === 'audit' ? 'sign' : trust.protection }),
    opening: (kid: string, _record: IncomingRecord): SealKey | KeyRefusal =>
      kid === key.kid ? key : { code: 'unknown-key', reason: `${kid} is not ${trust.credential.id}'s key (central answers a driver under that driver's key)` },
    unchecked: (topic) => topic === 'cp-state',
    unsealed: (topic) => topic === 'dead-letter',
  };
}
