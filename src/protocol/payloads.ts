import { z } from 'zod';
import { ID_PATTERN } from './ids.js';

/** Field schemas shared by the message types. Bounds reject nonsense (negative or absurd numbers). */
export const Id = z.string().regex(ID_PATTERN, 'invalid id');
export const Uuid = z.uuid();
export const Kwh = z.number().nonnegative().max(1_000_000);
export const Kw = z.number().nonnegative().max(10_000);
export const Eur = z.number().nonnegative().max(100_000_000);
export const Price = z.number().nonnegative().max(1_000);
export const Ms = z.number().int().nonnegative();
export const Seq = z.number().int().nonnegative();
export const Text = (max: number) => z.string().max(max);

export const CP_STATES = ['AVAILABLE', 'CHARGING', 'OUT_OF_SERVICE', 'FAULTED', 'DISCONNECTED'] as const;
export const CpStateSchema = z.enum(CP_STATES);
export type CpState = z.infer<typeof CpStateSchema>;

/** Why a charge request was refused; each code has a fixed readable text (see denials.ts). */
export const DENIAL_CODES = [
  'unknown-cp',
  'cp-busy',
  'cp-out-of-service',
  'cp-faulted',
  'cp-disconnected',
  'driver-already-charging',
  'request-expired',
] as const;
export const DenialCodeSchema = z.enum(DENIAL_CODES);
export type DenialCode = z.infer<typeof DenialCodeSchema>;

/** Why the CP itself ended a supply. */
export const CP_END_REASONS = ['unplugged', 'stopped', 'faulted'] as const;
export const CpEndReasonSchema = z.enum(CP_END_REASONS);
export type CpEndReason = z.infer<typeof CpEndReasonSchema>;

/** Why a supply ended, as printed on the ticket. */
export const TICKET_REASONS = [
  'driver-stop',
  'unplugged',
  'central-stop',
  'cp-fault',
  'cp-disconnected',
  'cp-restarted',
  'keys-reset',
] as const;
export const TicketReasonSchema = z.enum(TICKET_REASONS);
export type TicketReason = z.infer<typeof TicketReasonSchema>;

export const TicketSchema = z.object({
  sessionId: Uuid,
  cpId: Id,
  driverId: Id,
  startedAt: Ms,
  endedAt: Ms,
  kwh: Kwh,
  pricePerKwh: Price,
  totalEur: Eur,
  reason: TicketReasonSchema,
});
export type Ticket = z.infer<typeof TicketSchema>;

/** An open supply as central tracks it (and persists it on cp-state). */
export const SupplySchema = z.object({
  sessionId: Uuid,
  requestId: Uuid,
  driverId: Id,
  startedAt: Ms,
  /** True once the CP said supply-started. */
  confirmed: z.boolean(),
  kw: Kw,
  kwh: Kwh,
  eur: Eur,
  lastSeq: z.number().int().min(-1),
  pricePerKwh: Price,
  /** Set when central asked the CP to stop (or the CP faulted); the ticket follows. */
  ending: TicketReasonSchema.nullable(),
});
export type Supply = z.infer<typeof SupplySchema>;

/** A CP's full state: the value of its cp-state record (compacted, so the latest wins). */
export const CpRecordSchema = z.object({
  id: Id,
  location: Text(200),
  pricePerKwh: Price,
  maxKw: Kw,
  /** The registered process instance; commands are addressed to it. */
  instanceId: Uuid,
  /** With record protection on: the id of the session key central issued to this registration. */
  kid: z.string().max(200).optional(),
  /** Central reset this CP's keys then: OUT_OF_SERVICE until it registers again with its credential. */
  keysResetAt: Ms.optional(),
  state: CpStateSchema,
  connected: z.boolean(),
  outOfService: z.boolean(),
  faulted: z.boolean(),
  registeredAt: Ms,
  lastHeartbeatAt: Ms.nullable(),
  supply: SupplySchema.nullable(),
  /** Last few sessions, so a redelivered request is answered the same even after a restart. */
  recentSessions: z
    .array(z.object({ requestId: Uuid, sessionId: Uuid, driverId: Id }))
    .max(20),
  totals: z.object({ sessions: z.number().int().nonnegative(), kwh: Kwh, eur: Eur }),
  /** The same, for the local day `day` (YYYY-MM-DD) of the last ended session. */
  today: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), sessions: z.number().int().nonnegative(), kwh: Kwh, eur: Eur }).optional(),
});
export type CpRecord = z.infer<typeof CpRecordSchema>;
