import { validateId, type DenialCode } from '../protocol/index.js';

/**
 * The OCPP 1.6J ↔ evcharge mapping as pure functions: the gateway (station.ts) asks them what an
 * OCPP message means for the station's CP, and what central's answer means for the station.
 * Payloads reach them already checked against the official 1.6J schemas (ocpp-rpc's strictMode).
 */

/** OCPP 1.6 idTagInfo.status. */
export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

/** What came of asking central to authorize an idTag as a driver. */
export type AuthOutcome =
  | { kind: 'granted'; sessionId: string }
  | { kind: 'denied'; code: DenialCode; reason: string }
  /** The idTag is not a valid evcharge driver id: central is not asked. */
  | { kind: 'bad-id'; reason: string }
  /** Central did not answer in time. */
  | { kind: 'no-answer' };

/**
 * Central's answer as idTagInfo.status: the driver already charging elsewhere is ConcurrentTx;
 * every other refusal (the CP busy, out of service, faulted; an idTag central cannot take) is
 * Invalid, the one status a station acts on for all of them (it does not start).
 */
export function idTagStatus(outcome: AuthOutcome): IdTagStatus {
  switch (outcome.kind) {
    case 'granted':
      return 'Accepted';
    case 'denied':
      return outcome.code === 'driver-already-charging' ? 'ConcurrentTx' : 'Invalid';
    case 'bad-id':
    case 'no-answer':
      return 'Invalid';
  }
}

/** Why a station id (the last segment of its URL) cannot be a CP id, or null when it can. */
export function stationIdProblem(identity: string): string | null {
  return validateId('cp', identity);
}

/** An idTag as a driver id: OCPP allows up to 20 characters of any kind, evcharge a narrower alphabet. */
export function idTagProblem(idTag: string): string | null {
  return validateId('driver', idTag);
}

/** OCPP 1.6 ChargePointStatus. */
export type StationStatus =
  | 'Available'
  | 'Preparing'
  | 'Charging'
  | 'SuspendedEVSE'
  | 'SuspendedEV'
  | 'Finishing'
  | 'Reserved'
  | 'Unavailable'
  | 'Faulted';

export type StatusEffect = { kind: 'fault'; detail: string } | { kind: 'recover' } | { kind: 'none' };

/**
 * A StatusNotification's effect on the CP. Faulted is a CP fault (a supply ends at once).
 * Unavailable is what a station answers central's ChangeAvailability Inoperative with; said
 * without central's order it keeps drivers away as a fault does, since a CP cannot put itself
 * out of service. Any other status is a working station: a fault clears.
 */
export function statusEffect(
  p: { status: StationStatus; errorCode: string; info?: string | undefined; vendorErrorCode?: string | undefined },
  cp: { faulted: boolean; outOfServiceByCentral: boolean },
): StatusEffect {
  if (p.status === 'Faulted') {
    if (cp.faulted) return { kind: 'none' };
    const extra = [p.info, p.vendorErrorCode].filter((s) => s !== undefined && s !== '').join(', ');
    return { kind: 'fault', detail: `station reports Faulted: ${p.errorCode}${extra ? ` (${extra})` : ''}` };
  }
  if (p.status === 'Unavailable') {
    if (cp.outOfServiceByCentral || cp.faulted) return { kind: 'none' };
    return { kind: 'fault', detail: 'station reports itself Unavailable' };
  }
  return cp.faulted ? { kind: 'recover' } : { kind: 'none' };
}

/** One OCPP 1.6 SampledValue (the fields the gateway reads). */
export interface SampledValue {
  value: string;
  measurand?: string;
  unit?: string;
  phase?: string;
  context?: string;
}

/** What a MeterValues (or a transaction's transactionData) says: the latest energy register and power. */
export interface MeterSample {
  /** Energy.Active.Import.Register in Wh, when sent. */
  wh: number | null;
  /** Power.Active.Import in W, when sent. */
  w: number | null;
}

const ENERGY = 'Energy.Active.Import.Register';
const POWER = 'Power.Active.Import';

/**
 * The energy register (Wh) and power (W) of a MeterValues' samples, the last one of each kind
 * winning. Only whole-station values count (no `phase`); kWh and kW are converted. A value that
 * is not a number is left out (the schema makes it a string).
 */
export function meterSample(meterValue: readonly { sampledValue: readonly SampledValue[] }[]): MeterSample {
  const out: MeterSample = { wh: null, w: null };
  for (const mv of meterValue) {
    for (const sv of mv.sampledValue) {
      if (sv.phase !== undefined) continue;
      const n = Number(sv.value);
      if (sv.value.trim() === '' || !Number.isFinite(n)) continue;
      const measurand = sv.measurand ?? ENERGY;
      if (measurand === ENERGY) out.wh = sv.unit === 'kWh' ? n * 1000 : n;
      else if (measurand === POWER) out.w = sv.unit === 'kW' ? n * 1000 : n;
    }
  }
  return out;
}

/** kWh delivered since the transaction started at `meterStartWh`: never negative. */
export function kwhSince(meterStartWh: number, wh: number): number {
  return Math.max(0, wh - meterStartWh) / 1000;
}

/** A reading for the CP: kW from the power sample, else the previous kW; kWh from the register. */
export function readingFrom(sample: MeterSample, meterStartWh: number, previous: { kw: number; kwh: number }): { kw: number; kwh: number } | null {
  if (sample.wh === null && sample.w === null) return null;
  return {
    kw: sample.w === null ? previous.kw : Math.max(0, sample.w) / 1000,
    kwh: sample.wh === null ? previous.kwh : kwhSince(meterStartWh, sample.wh),
  };
}

/** ChangeAvailability's type for central's stop (out of service) and resume. */
export function availabilityType(inService: boolean): 'Operative' | 'Inoperative' {
  return inService ? 'Operative' : 'Inoperative';
}

/** `--listen` / `ocpp.listen`: host and port, or why not. */
export function parseListen(value: string): { host: string; port: number } | string {
  const m = /^([^\s:,]+):(\d{1,5})$/.exec(value);
  if (!m) return `expected HOST:PORT, e.g. 127.0.0.1:8887, got "${value}"`;
  const port = Number(m[2]);
  if (port > 65535) return `port ${port} is out of range (0-65535)`;
  return { host: m[1]!, port };
}
