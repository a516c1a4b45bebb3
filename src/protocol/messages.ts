import { z } from 'zod';
import type { TopicKey } from '../bus/topics.js';
import type { Envelope } from './envelope.js';
import {
  CpEndReasonSchema,
  CpRecordSchema,
  DenialCodeSchema,
  Eur,
  Id,
  Kw,
  Kwh,
  Ms,
  Price,
  Seq,
  Text,
  TicketSchema,
  Uuid,
} from './payloads.js';

/**
 * Every message type: the topic it travels on, its payload schema, and the record key it must
 * carry (the CP id or driver id inside the payload), so a record keyed by one CP cannot speak for
 * another. `key` returning null means any key is accepted.
 */
interface MessageDef<S extends z.ZodType> {
  topic: TopicKey;
  schema: S;
  key: (payload: z.infer<S>) => string | null;
}

function def<S extends z.ZodType>(
  topic: TopicKey,
  schema: S,
  key: (payload: z.infer<S>) => string | null,
): MessageDef<S> {
  return { topic, schema, key };
}

const byCp = (p: { cpId: string }) => p.cpId;

/** What the audit trail records. */
export const AUDIT_ACTIONS = ['operator-stop', 'operator-resume', 'operator-forget', 'operator-reset-keys', 'registry-add', 'registry-revoke', 'auth-failure', 'broker-refusal'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
const byDriver = (p: { driverId: string }) => p.driverId;

const AuthGranted = z.object({
  requestId: Uuid,
  driverId: Id,
  cpId: z.string().max(200),
  granted: z.literal(true),
  sessionId: Uuid,
});
const AuthDenied = z.object({
  requestId: Uuid,
  driverId: Id,
  cpId: z.string().max(200),
  granted: z.literal(false),
  code: DenialCodeSchema,
  reason: Text(300),
});

export const MESSAGES = {
  'cp.register': def(
    'cp-register',
    z.object({ cpId: Id, instanceId: Uuid, location: Text(200), pricePerKwh: Price, maxKw: Kw }),
    byCp,
  ),
  'cp.register-ack': def(
    'cp-register-ack',
    // kid: with record protection on, the session key central issued (see protocol/credentials.ts).
    z.object({ cpId: Id, instanceId: Uuid, accepted: z.boolean(), reason: Text(300).optional(), kid: z.string().max(200).optional() }),
    byCp,
  ),
  'driver.request': def(
    'auth-request',
    // cpId is free text so that a request for a malformed id gets a proper "unknown CP" denial.
    z.object({ requestId: Uuid, driverId: Id, cpId: z.string().min(1).max(200) }),
    byDriver,
  ),
  'driver.stop': def(
    'auth-request',
    z.object({ requestId: Uuid, driverId: Id, sessionId: Uuid.optional() }),
    byDriver,
  ),
  'auth.response': def('auth-response', z.discriminatedUnion('granted', [AuthGranted, AuthDenied]), byDriver),
  'auth.stop-result': def(
    'auth-response',
    z.object({
      requestId: Uuid,
      driverId: Id,
      ok: z.boolean(),
      sessionId: Uuid.optional(),
      reason: Text(300),
    }),
    byDriver,
  ),
  'cmd.start-supply': def(
    'cp-commands',
    z.object({ cpId: Id, instanceId: Uuid, sessionId: Uuid, driverId: Id }),
    byCp,
  ),
  'cmd.stop-supply': def('cp-commands', z.object({ cpId: Id, instanceId: Uuid, sessionId: Uuid }), byCp),
  /** Reset keys: the CP drops its session key and registers again with its credential. */
  'cmd.reset-keys': def('cp-commands', z.object({ cpId: Id, instanceId: Uuid }), byCp),
  'cmd.set-service': def(
    'cp-commands',
    z.object({ cpId: Id, instanceId: Uuid, inService: z.boolean() }),
    byCp,
  ),
  'supply.started': def(
    'telemetry',
    z.object({ cpId: Id, instanceId: Uuid, sessionId: Uuid, driverId: Id, startedAt: Ms }),
    byCp,
  ),
  'supply.telemetry': def(
    'telemetry',
    z.object({ cpId: Id, instanceId: Uuid, sessionId: Uuid, seq: Seq, kw: Kw, kwh: Kwh, eur: Eur }),
    byCp,
  ),
  'supply.ended': def(
    'telemetry',
    z.object({
      cpId: Id,
      instanceId: Uuid,
      sessionId: Uuid,
      seq: Seq,
      kwh: Kwh,
      reason: CpEndReasonSchema,
      endedAt: Ms,
    }),
    byCp,
  ),
  'cp.heartbeat': def(
    'health',
    z.object({
      cpId: Id,
      instanceId: Uuid,
      status: z.enum(['idle', 'supplying', 'faulted']),
      sessionId: Uuid.nullable(),
      outOfService: z.boolean(),
    }),
    byCp,
  ),
  'cp.fault': def('health', z.object({ cpId: Id, instanceId: Uuid, detail: Text(300) }), byCp),
  'cp.recover': def('health', z.object({ cpId: Id, instanceId: Uuid }), byCp),
  'driver.supply-started': def(
    'driver-updates',
    z.object({ driverId: Id, sessionId: Uuid, cpId: Id, startedAt: Ms, pricePerKwh: Price }),
    byDriver,
  ),
  'driver.progress': def(
    'driver-updates',
    z.object({ driverId: Id, sessionId: Uuid, cpId: Id, seq: Seq, kw: Kw, kwh: Kwh, eur: Eur }),
    byDriver,
  ),
  'driver.ticket': def(
    'driver-updates',
    z
      .object({ driverId: Id, ticket: TicketSchema })
      .refine((p) => p.ticket.driverId === p.driverId, 'ticket is for another driver'),
    byDriver,
  ),
  'cp.state': def('cp-state', CpRecordSchema, (p) => p.id),
  /** Central writes these to find the end of cp-state while rebuilding (see central/rebuild.ts). */
  'state.sync-marker': def(
    'cp-state',
    z.object({ nonce: Uuid, index: z.number().int().min(0).max(1023) }),
    (p) => syncMarkerKey(p.index),
  ),
  /**
   * The active central says who it is, first thing after it takes over: standbys show it, and
   * `evcharge doctor` reads it. The latest one stays on the compacted topic.
   */
  'central.active': def(
    'cp-state',
    z.object({ instanceId: Uuid, host: Text(200), pid: z.number().int().nonnegative(), since: Ms }),
    () => ACTIVE_CENTRAL_KEY,
  ),
  /**
   * Central's own pulse on `health`, one per key of a few; see central/partition-watch.ts. The
   * instance lets a new active central ignore the ticks of one that was just replaced.
   */
  'central.tick': def('health', z.object({ index: z.number().int().min(0).max(1023), instanceId: Uuid.optional() }), (p) => tickKey(p.index)),
  'dead-letter': def(
    'dead-letter',
    z.object({
      topic: z.string(),
      key: z.string().nullable(),
      partition: z.number().int(),
      offset: z.string(),
      reason: Text(500),
      value: Text(4096),
      by: Text(200),
    }),
    () => null,
  ),
  /**
   * The audit trail (issue 12, part 3): an operator's action, a registry change, an
   * authentication failure, a broker refusal. Keyed by who writes it (`central`, `cp:CP001`, `driver:D1`).
   */
  'audit.entry': def(
    'audit',
    z.object({
      by: Text(140),
      /** The writer's Kafka principal, when it has one (kafka.security). */
      principal: Text(200).nullable(),
      action: z.enum(AUDIT_ACTIONS),
      target: Text(200),
      result: z.enum(['ok', 'refused', 'failed']),
      detail: Text(500),
    }),
    (p) => p.by,
  ),
  /**
   * An OCPP station's open transaction (issue 14), written by the gateway that holds the station:
   * any gateway the station reconnects to goes on with it. `tx: null` once it stopped; the last
   * transaction id stays, so the next one is higher whichever gateway hands it out.
   */
  'ocpp.transaction': def(
    'ocpp-transactions',
    z.object({
      stationId: Id,
      gateway: Text(200),
      lastTransactionId: z.number().int().nonnegative(),
      tx: z
        .object({
          transactionId: z.number().int().nonnegative(),
          sessionId: Uuid,
          idTag: Text(100),
          meterStartWh: z.number().int().nonnegative(),
          startedAt: Ms,
          /** How many times a gateway took it over from another one. */
          handoffs: z.number().int().nonnegative(),
          /** Central asked to stop it while the station was away: whoever holds it next asks the station. */
          stopRequested: z.boolean().optional(),
        })
        .nullable(),
    }),
    (p) => p.stationId,
  ),
} as const;

/** Keys that cannot collide with a CP id (ids never contain `#`). */
export function syncMarkerKey(index: number): string {
  return `#sync-${index}`;
}

/** The cp-state key of the active central's announcement (no CP id contains `#`). */
export const ACTIVE_CENTRAL_KEY = '#central';

/** Tick keys spread central's ticks over every partition of `health`. */
export function tickKey(index: number): string {
  return `#tick-${index}`;
}

export type MessageType = keyof typeof MESSAGES;
export type PayloadOf<T extends MessageType> = z.infer<(typeof MESSAGES)[T]['schema']>;
export type MessageOf<T extends MessageType> = Envelope<T, PayloadOf<T>>;
/** Any decoded message; switch on `type` to narrow the payload. */
export type Message = { [T in MessageType]: MessageOf<T> }[MessageType];

export function isMessageType(type: string): type is MessageType {
  return Object.prototype.hasOwnProperty.call(MESSAGES, type);
}
