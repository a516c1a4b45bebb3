import type { Clock } from '../../bus/clock.js';
import type { RoleEvent } from '../shared/events.js';
import { SnapshotStore } from '../shared/store.js';
import type { Driver } from './driver.js';
import type { RunMode } from './driver-mode.js';
import { servicesExitCode } from './exit-code.js';
import { runFile } from './run-file.js';
import { runSingle, type RunnerEventKind } from './run-single.js';
import { resultDetail, type ServiceResult } from './service-result.js';

export type QueueStatus = 'waiting' | 'requesting' | 'stopping' | ServiceResult['status'];

export interface QueueItem {
  cpId: string;
  status: QueueStatus;
  /** The result's figures or reason, or why it is stopping (the CP and status are shown apart). */
  text: string;
}

export interface RunProgress {
  kind: RunMode['kind'];
  items: readonly QueueItem[];
  /** `pausing` between services in file mode; `done` once the runner returned. */
  phase: 'running' | 'pausing' | 'aborting' | 'done';
  pause: { ms: number; next: string; since: number } | null;
  summary: string | null;
}

/** How a run ended: the services attempted and the exit code they make (a crashed run is 1). */
export interface RunOutcome {
  kind: RunMode['kind'];
  results: readonly ServiceResult[];
  exitCode: 0 | 1;
}

type Starter = (signal: AbortSignal, onEvent: (event: RoleEvent<RunnerEventKind>) => void) => Promise<ServiceResult[]>;

export interface DriverRunOptions {
  clock?: Clock;
  /** Gets the runner's events too (the headless driver prints them). */
  onEvent?: (event: RoleEvent<RunnerEventKind>) => void;
}

/**
 * A `--cp` or `--file` run, the same for the TUI and `--no-tui`: starts the runner and folds its
 * events into a store the screen reads. `abort()` stops the current supply cleanly (the ticket is
 * still awaited) and ends the run.
 */
export class DriverRun {
  private readonly controller = new AbortController();
  private progress: RunProgress;
  readonly store = new SnapshotStore<RunProgress>(() => this.progress);
  readonly done: Promise<RunOutcome>;

  constructor(kind: RunMode['kind'], cpIds: readonly string[], start: Starter, onEvent?: DriverRunOptions['onEvent']) {
    this.progress = { kind, items: cpIds.map((cpId) => ({ cpId, status: 'waiting', text: '' })), phase: 'running', pause: null, summary: null };
    const listen = (e: RoleEvent<RunnerEventKind>) => {
      this.apply(e);
      onEvent?.(e);
    };
    this.done = start(this.controller.signal, listen).then(
      (results) => {
        this.finish(null);
        return { kind, results, exitCode: servicesExitCode(results, cpIds.length) };
      },
      (error: unknown) => {
        this.finish(`run failed: ${String(error instanceof Error ? error.message : error)}`);
        return { kind, results: [], exitCode: 1 };
      },
    );
  }

  /** Starts the runner that matches `mode` on a real driver. */
  static start(driver: Driver, mode: RunMode, options: DriverRunOptions = {}): DriverRun {
    const { clock } = options;
    const stop = { stopAtKwh: mode.stopAtKwh, stopAfterMs: mode.stopAfterMs };
    if (mode.kind === 'single') {
      return new DriverRun('single', [mode.cpId], async (signal, onEvent) => [await runSingle(driver, { cpId: mode.cpId, ...stop, signal, clock, onEvent })], options.onEvent);
    }
    return new DriverRun(
      'file',
      mode.cpIds,
      async (signal, onEvent) => (await runFile(driver, { cpIds: mode.cpIds, pauseMs: mode.pauseMs, ...stop, signal, clock, onEvent })).results,
      options.onEvent,
    );
  }

  get active(): boolean {
    return this.progress.phase !== 'done';
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  abort(): void {
    if (!this.active || this.aborted) return;
    this.controller.abort();
    this.update({ phase: 'aborting', pause: null });
  }

  private apply(event: RoleEvent<RunnerEventKind>): void {
    const cpId = typeof event.data['cpId'] === 'string' ? event.data['cpId'] : null;
    switch (event.kind) {
      case 'service-start':
        return this.setItem(cpId, ['waiting'], { status: 'requesting', text: '' }, { phase: this.aborted ? 'aborting' : 'running', pause: null });
      case 'stop-reached':
        return this.setItem(cpId, ['requesting'], { status: 'stopping', text: String(event.data['why'] ?? '') });
      case 'service-result': {
        // The runner's event data is the ServiceResult itself.
        const result = event.data as unknown as ServiceResult;
        return this.setItem(cpId, ['requesting', 'stopping'], { status: result.status, text: resultDetail(result) });
      }
      case 'pause':
        if (this.aborted) return;
        return this.update({ phase: 'pausing', pause: { ms: Number(event.data['pauseMs'] ?? 0), next: String(event.data['next'] ?? ''), since: event.at } });
      case 'run-done':
        return this.update({ summary: event.text });
    }
  }

  /** Updates the first item for `cpId` whose status is one of `from`. */
  private setItem(cpId: string | null, from: readonly QueueStatus[], patch: Partial<QueueItem>, extra: Partial<RunProgress> = {}): void {
    const index = this.progress.items.findIndex((it) => it.cpId === cpId && from.includes(it.status));
    if (index < 0) return this.update(extra);
    const items = this.progress.items.map((it, i) => (i === index ? { ...it, ...patch } : it));
    this.update({ items, ...extra });
  }

  private finish(summary: string | null): void {
    this.update({ phase: 'done', pause: null, summary: this.progress.summary ?? summary });
  }

  private update(patch: Partial<RunProgress>): void {
    this.progress = { ...this.progress, ...patch };
    this.store.changed();
  }
}
