import type { IncomingRecord } from '../bus/bus.js';
import { decodeRecord } from './decode.js';
import type { MessageOf } from './messages.js';
import { looksSealed, signedBody } from './seal.js';

export type AuditRecord = MessageOf<'audit.entry'>;

/**
 * An audit record as written (signed or plain), or why it is not one. Audit records are signed,
 * never encrypted, so any reader (the admin's `evcharge audit`, central's audit view) takes the seal
 * off without the writer's key; the tag is not checked here.
 */
export function readAuditRecord(record: IncomingRecord): AuditRecord | { bad: string } {
  const value = record.value !== null && looksSealed(record.value) ? signedBody(record.value) : record.value;
  if (value === null) return { bad: 'an encrypted or broken seal' };
  const decoded = decodeRecord({ ...record, value });
  if (!decoded.ok) return { bad: decoded.reason };
  if (decoded.message.type !== 'audit.entry') return { bad: `a ${decoded.message.type} record` };
  return decoded.message as AuditRecord;
}
