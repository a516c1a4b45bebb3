import type { DenialCode, Ticket, TicketReason } from '../../protocol/index.js';
import type { RequestFailure, RequestResult } from './types.js';

/**
 * How one requested service ended. `completed`: a ticket for a supply the driver or the vehicle
 * ended; `interrupted`: a ticket, but the CP faulted, disconnected or was stopped by central;
 * `denied`: central said no; `failed`: no answer or no ticket in time.
 */
export type ServiceResult =
  | { status: 'completed'; cpId: string; ticket: Ticket }
  | { status: 'interrupted'; cpId: string; ticket: Ticket }
  | { status: 'denied'; cpId: string; code: DenialCode | RequestFailure; reason: string }
  | { status: 'failed'; cpId: string; reason: string };

const COMPLETED_REASONS: ReadonlySet<TicketReason> = new Set<TicketReason>(['driver-stop', 'unplugged']);

export function resultFromTicket(cpId: string, ticket: Ticket): ServiceResult {
  return COMPLETED_REASONS.has(ticket.reason) ? { status: 'completed', cpId, ticket } : { status: 'interrupted', cpId, ticket };
}

/** A request central refused (`denied`), or one that got no answer (`failed`). */
export function resultFromRefusal(answer: Extract<RequestResult, { granted: false }>): ServiceResult {
  const { cpId, code, reason } = answer;
  return code === 'timeout' || code === 'closed' ? { status: 'failed', cpId, reason } : { status: 'denied', cpId, code, reason };
}

/** One line for the log: `CP001 completed: 0.300 kWh, 0.11 € (driver-stop)`. */
export function describeResult(result: ServiceResult): string {
  return `${result.cpId} ${result.status}: ${resultDetail(result)}`;
}

/** What a result says beyond its CP and status (a queue row shows those in columns of its own). */
export function resultDetail(result: ServiceResult): string {
  switch (result.status) {
    case 'completed':
    case 'interrupted':
      return `${result.ticket.kwh.toFixed(3)} kWh, ${result.ticket.totalEur.toFixed(2)} € (${result.ticket.reason})`;
    case 'denied':
      return `${result.reason} (${result.code})`;
    case 'failed':
      return result.reason;
  }
}
