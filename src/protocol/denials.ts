import type { DenialCode, TicketReason } from './payloads.js';

/** Readable text for each denial code; codes are stable, the text is what people read. */
export const DENIAL_TEXT: Record<DenialCode, string> = {
  'unknown-cp': 'unknown charge point',
  'cp-busy': 'charge point is busy with another supply',
  'cp-out-of-service': 'charge point is out of service',
  'cp-faulted': 'charge point is faulted',
  'cp-disconnected': 'charge point is disconnected',
  'driver-already-charging': 'driver already has a supply in progress',
  'request-expired': 'request arrived too late; please ask again',
};

export const TICKET_REASON_TEXT: Record<TicketReason, string> = {
  'driver-stop': 'stopped by the driver',
  unplugged: 'vehicle unplugged',
  'central-stop': 'charge point stopped by central',
  'cp-fault': 'charge point fault',
  'cp-disconnected': 'charge point disconnected',
  'cp-restarted': 'charge point restarted',
  'keys-reset': "charge point's keys reset by central",
};
