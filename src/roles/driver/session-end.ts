import { systemClock, type Clock } from '../../bus/clock.js';
import type { Ticket } from '../../protocol/index.js';
import { SnapshotStore } from '../shared/store.js';
import type { Driver } from './driver.js';
import type { DriverRun } from './driver-run.js';
import { TICKET_TIMEOUT_MS } from './run-single.js';
import { ticketLine } from './ticket-line.js';
import type { DriverSnapshot } from './types.js';

export type SessionEndDriver = Pick<Driver, 'id' | 'store' | 'stopSupply' | 'ticketFor'>;

/** What ending waits for: central's answer to a request, a stopped supply's ticket, or a run between services. */
export type EndWait = { for: 'answer'; cpId: string } | { for: 'ticket'; cpId: string; until: number } | { for: 'run' };

export type SessionEndState = { phase: 'idle' } | { phase: 'waiting'; wait: EndWait } | { phase: 'done'; result: SessionEndResult };

export interface SessionEndResult {
  /** Tickets that arrived while ending (the screen is gone by then: the CLI prints them). */
  tickets: readonly Ticket[];
  /** Why a supply has no ticket, and where it will turn up; null when nothing is missing. */
  missing: string | null;
  /** The wait was cut short (a second q). */
  forced: boolean;
}

export interface SessionEndOptions {
  clock?: Clock;
  /** The `--cp` / `--file` run, if any: it is aborted and waited for first (it stops its own supply). */
  run?: DriverRun;
  /** How long a stopped supply's ticket is waited for. Default TICKET_TIMEOUT_MS, as a run waits. */
  ticketTimeoutMs?: number;
}

/**
 * Quitting a driver, the same for the TUI's q and `--no-tui`'s quit, end of input or signal. A
 * supply left open would go on charging with nobody watching, and a request still unanswered may
 * yet be granted; so ending waits for the answer, stops the supply and waits, at most
 * `ticketTimeoutMs`, for its ticket. `cut()` (a second q) stops waiting at once.
 */
export class SessionEnd {
  private state: SessionEndState = { phase: 'idle' };
  readonly store = new SnapshotStore<SessionEndState>(() => this.state);
  readonly done: Promise<SessionEndResult>;
  private resolveDone: (result: SessionEndResult) => void = () => {};
  private readonly clock: Clock;
  private readonly ticketTimeoutMs: number;
  /** Tickets from before the end: not the end's to report. */
  private known = new Set<string>();
  /** The supply whose ticket ending waits for, and when it gives up on it. */
  private watched: { cpId: string; sessionId: string; until: number } | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly driver: SessionEndDriver,
    private readonly options: SessionEndOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.ticketTimeoutMs = options.ticketTimeoutMs ?? TICKET_TIMEOUT_MS;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Starts ending; false when nothing is open (the caller may quit at once). */
  begin(): boolean {
    if (this.state.phase !== 'idle') return this.state.phase === 'waiting';
    const snap = this.driver.store.getSnapshot();
    this.known = new Set(snap.tickets.map((t) => t.sessionId));
    if (!this.options.run?.active && !snap.pending && !snap.supply) {
      this.finish(false);
      return false;
    }
    this.unsubscribe = this.driver.store.subscribe(() => this.follow());
    this.follow();
    void this.wind();
    return true;
  }

  /** Stops waiting now (a second q); the result says where a missing ticket will go. */
  cut(): SessionEndResult {
    if (this.state.phase === 'idle') this.known = new Set(this.driver.store.getSnapshot().tickets.map((t) => t.sessionId));
    this.finish(true);
    return (this.state as Extract<SessionEndState, { phase: 'done' }>).result;
  }

  private async wind(): Promise<void> {
    const { run } = this.options;
    const hadRun = run?.active ?? false;
    if (run && hadRun) {
      run.abort();
      await run.done;
    }
    // The driver's own answer timeout bounds this wait.
    await this.until((s) => s.pending === null);
    const supply = this.driver.store.getSnapshot().supply;
    // A run has already waited its bound for the ticket of the supply it stopped.
    if (supply && !(hadRun && supply.stopping)) {
      this.follow();
      if (!supply.stopping) void this.driver.stopSupply(supply.sessionId);
      await this.ticketOf(supply.sessionId);
    }
    this.finish(false);
  }

  /** Keeps the wait shown in step with the driver: answer, then ticket (its deadline set once). */
  private follow(): void {
    if (this.state.phase === 'done') return;
    const { pending, supply } = this.driver.store.getSnapshot();
    if (supply && this.watched?.sessionId !== supply.sessionId) {
      this.watched = { cpId: supply.cpId, sessionId: supply.sessionId, until: this.clock.now() + this.ticketTimeoutMs };
    }
    let wait: EndWait = { for: 'run' };
    if (pending) wait = { for: 'answer', cpId: pending.cpId };
    else if (supply && this.watched) wait = { for: 'ticket', cpId: supply.cpId, until: this.watched.until };
    const before = this.state.phase === 'waiting' ? this.state.wait : null;
    if (before && JSON.stringify(before) === JSON.stringify(wait)) return;
    this.state = { phase: 'waiting', wait };
    this.store.changed();
  }

  private until(ready: (snap: DriverSnapshot) => boolean): Promise<void> {
    return new Promise((resolve) => {
      if (ready(this.driver.store.getSnapshot())) return resolve();
      const off = this.driver.store.subscribe(() => {
        if (this.state.phase !== 'done' && !ready(this.driver.store.getSnapshot())) return;
        off();
        resolve();
      });
    });
  }

  private ticketOf(sessionId: string): Promise<void> {
    const until = this.watched?.sessionId === sessionId ? this.watched.until : this.clock.now() + this.ticketTimeoutMs;
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(resolve, Math.max(0, until - this.clock.now()));
      void this.driver.ticketFor(sessionId).then(() => {
        this.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  private finish(forced: boolean): void {
    if (this.state.phase === 'done') return;
    this.unsubscribe?.();
    const snap = this.driver.store.getSnapshot();
    const result: SessionEndResult = { tickets: snap.tickets.filter((t) => !this.known.has(t.sessionId)), missing: this.missing(snap, forced), forced };
    this.state = { phase: 'done', result };
    this.store.changed();
    this.resolveDone(result);
  }

  /** Where a ticket not received goes: central keeps sending the driver's updates to its group. */
  private missing(snap: DriverSnapshot, forced: boolean): string | null {
    const next = `the next \`evcharge driver --id ${this.driver.id}\``;
    if (snap.pending) return `quit before central answered the request at ${snap.pending.cpId}; if it was granted, ${next} shows the supply (x stops it)`;
    const open = this.watched ?? (snap.supply && { cpId: snap.supply.cpId, sessionId: snap.supply.sessionId });
    if (!open || snap.tickets.some((t) => t.sessionId === open.sessionId)) return null;
    if (forced) return `quit before the ticket of the supply at ${open.cpId} arrived; ${next} receives it`;
    return `no ticket from ${open.cpId} within ${Math.round(this.ticketTimeoutMs / 1000)} s of asking to stop; if central sends it later, ${next} receives it`;
  }
}

/** What the CLI prints once the screen is gone: the tickets that came while quitting, or where one went. */
export function sessionEndLines(result: SessionEndResult): string[] {
  return [...result.tickets.map(ticketLine), ...(result.missing ? [result.missing] : [])];
}
