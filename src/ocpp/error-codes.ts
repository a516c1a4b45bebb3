/**
 * OCPP-J 1.6's CALLERROR codes (OCPP-J 1.6, 4.2.3, table 7), misspellings included: the 1.6
 * errata (5.1, 5.2) keep `FormationViolation` and `OccurenceConstraintViolation` ("do not fix,
 * might break implementations"). ocpp-rpc 2.2.1 answers with its OCPP 2.x names whatever the
 * subprotocol (`FormatViolation` for a schema failure, `RpcFrameworkError` for a frame that is
 * not an RPC message, `MessageTypeNotSupported`), codes a strict 1.6 station does not know; the
 * gateway rewrites them on the way out (see gateway.ts).
 */
export const OCPP16_ERROR_CODES = [
  'NotImplemented',
  'NotSupported',
  'InternalError',
  'ProtocolError',
  'SecurityError',
  'FormationViolation',
  'PropertyConstraintViolation',
  'OccurenceConstraintViolation',
  'TypeConstraintViolation',
  'GenericError',
] as const;
export type Ocpp16ErrorCode = (typeof OCPP16_ERROR_CODES)[number];

const TO_16: Record<string, Ocpp16ErrorCode> = {
  FormatViolation: 'FormationViolation',
  // Not JSON, not an array, no message id: the frame does not have the RPC structure.
  RpcFrameworkError: 'FormationViolation',
  MessageTypeNotSupported: 'FormationViolation',
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
};

export function ocpp16ErrorCode(code: string): Ocpp16ErrorCode {
  if ((OCPP16_ERROR_CODES as readonly string[]).includes(code)) return code as Ocpp16ErrorCode;
  return TO_16[code] ?? 'GenericError';
}

/** A frame on its way to a 1.6 station: a CALLERROR gets a 1.6 code; anything else is left as it is. */
export function toOcpp16Frame(frame: string): string {
  if (!frame.startsWith('[4')) return frame;
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return frame;
  }
  if (!Array.isArray(parsed) || parsed[0] !== 4 || typeof parsed[2] !== 'string') return frame;
  const code = ocpp16ErrorCode(parsed[2]);
  if (code === parsed[2]) return frame;
  parsed[2] = code;
  return JSON.stringify(parsed);
}
