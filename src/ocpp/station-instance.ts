import { createHash } from 'node:crypto';

/**
 * The CP instance id of an OCPP station, the same on every gateway: a station that reconnects to
 * another gateway (or to a restarted one) registers as the same process, so central takes it as a
 * retry and keeps its open supply, instead of refusing a "second process" or ending the supply as
 * `cp-restarted`. A UUID (version 5 layout) from a hash of the station id; a plain
 * `evcharge cp --id X` keeps its random one, so a second live process there is still refused.
 */
export function stationInstanceId(stationId: string): string {
  const b = createHash('sha256').update(`ocpp:${stationId}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
