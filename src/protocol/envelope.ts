import { z } from 'zod';

/** Every record on every topic is one of these, as JSON. */
export const SCHEMA_VERSION = 1 as const;

export const EnvelopeSchema = z.object({
  type: z.string().min(1).max(64),
  /** Who sent it: `central`, `cp:CP001`, `driver:DRIVER001`. */
  sender: z.string().min(1).max(128),
  /** Message id (uuid); redeliveries carry the same id, which is how handlers dedupe. */
  id: z.uuid(),
  /** Sender's clock, ms since the epoch. */
  ts: z.number().int().nonnegative(),
  v: z.literal(SCHEMA_VERSION),
  payload: z.unknown(),
});

export interface Envelope<T extends string = string, P = unknown> {
  type: T;
  sender: string;
  id: string;
  ts: number;
  v: typeof SCHEMA_VERSION;
  payload: P;
}
