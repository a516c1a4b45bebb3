/** When a service's supply is stopped by the driver: at an energy, after a time (ms), or only by hand. */
export interface StopLimits {
  stopAtKwh?: number;
  stopAfterMs?: number;
}

/** A run the driver makes on its own: one service (`--cp`) or a queue of them (`--file`). */
export type RunMode =
  | ({ kind: 'single'; cpId: string } & StopLimits)
  | ({ kind: 'file'; cpIds: readonly string[]; pauseMs?: number } & StopLimits);

/** How a driver session runs; the TUI and `--no-tui` read the same flags into this. */
export type DriverMode = { kind: 'interactive' } | RunMode;
