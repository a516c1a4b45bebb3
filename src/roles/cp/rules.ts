import type { CpEndReason } from '../../protocol/index.js';
import type { ChargePointState, Registration } from './types.js';

/** The parts of a CP's state its rules decide on. */
export interface CpFacts {
  registration: Registration;
  faulted: boolean;
  outOfService: boolean;
  /** The open supply's session, or null when idle. */
  supplying: string | null;
}

/** One state for the meter; a fault outranks a supply, a supply outranks out-of-service. */
export function cpState(f: CpFacts): ChargePointState {
  if (f.registration === 'registering') return 'REGISTERING';
  if (f.registration === 'refused') return 'REFUSED';
  if (f.faulted) return 'FAULTED';
  if (f.supplying !== null) return 'CHARGING';
  if (f.outOfService) return 'OUT_OF_SERVICE';
  return 'AVAILABLE';
}

export function heartbeatStatus(f: Pick<CpFacts, 'faulted' | 'supplying'>): 'faulted' | 'supplying' | 'idle' {
  return f.faulted ? 'faulted' : f.supplying !== null ? 'supplying' : 'idle';
}

export type StartVerdict =
  | { kind: 'start' }
  /** The command came again for the supply already running: nothing to do. */
  | { kind: 'ignore' }
  /** Answered with an immediate zero-energy end, so central and the driver are not left waiting. */
  | { kind: 'refuse'; reason: CpEndReason; why: string };

/** Whether a start command is honoured. `alreadyEnded`: this session has ended here before. */
export function startVerdict(f: Pick<CpFacts, 'faulted' | 'outOfService' | 'supplying'>, sessionId: string, alreadyEnded: boolean): StartVerdict {
  if (f.supplying === sessionId) return { kind: 'ignore' };
  if (alreadyEnded) return { kind: 'refuse', reason: 'stopped', why: 'session already ended' };
  if (f.faulted) return { kind: 'refuse', reason: 'faulted', why: 'charge point is faulted' };
  if (f.outOfService) return { kind: 'refuse', reason: 'stopped', why: 'charge point is out of service' };
  if (f.supplying !== null) return { kind: 'refuse', reason: 'stopped', why: 'already supplying another session' };
  return { kind: 'start' };
}

/**
 * Whether a command or ack is for this process: one for an earlier process with the same CP id
 * carries that process's instance id, and must not act on this one.
 */
export function isForInstance(payload: unknown, instanceId: string): boolean {
  return (payload as { instanceId?: string }).instanceId === instanceId;
}
