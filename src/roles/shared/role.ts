import type { BusStatus } from '../../bus/bus.js';
import type { RoleCounters } from './counters.js';
import type { RoleEvent } from './events.js';
import type { ReadableStore } from './store.js';

/** What every role object (central, charge point, driver) exposes to the CLI and the TUI. */
export interface Role<S, K extends string> {
  readonly store: ReadableStore<S>;
  onEvent(listener: (event: RoleEvent<K>) => void): () => void;
  /** A copy of the message counters. */
  counters(): RoleCounters;
  busStatus(): BusStatus;
  /** Stops timers and leaves the consumer groups; safe to call twice. Does not close the bus. */
  close(): Promise<void>;
}

/** The result of an intent (operator command, local key, driver stop): a line to show. */
export interface IntentResult {
  ok: boolean;
  text: string;
}
