import type { Clock } from '../../bus/clock.js';
import { runFile, runSingle, type Driver, type FileRunResult, type RunnerEventKind, type ServiceResult } from '../../roles/driver/index.js';
import type { RoleEvent } from '../../roles/shared/events.js';
import { SnapshotStore } from '../../roles/shared/store.js';
import type { DriverMode } from './driver-role.js';

export type QueueStatus = 'waiting' | 'requesting' | 'stopping' | ServiceResult['status'];

export interface QueueItem {
  cpId: string;
  status: QueueStatus;
  /** The result line, or why it is stopping. */
  text: string;
}

export interface RunProgress {
  kind: DriverMode['kind'];
  items: readonly QueueItem[];
  /** `pausing` between services in file mode; `done` once the runner returned. */
  phase: 'running' | 'pausing' | 'aborting' | 'done';
  pause: { ms: number; next: string; since: number } | null;
  summary: string | null;
}

export type RunOutcome = { kind: 'single'; result: ServiceResult } | { kind: 'file'; result: FileRunResult };

type Starter = (signal: AbortSignal, onEvent: (event: RoleEvent<RunnerEventKind>) => void) => Promise<RunOutcome>;

/**
 * A `--cp` or `--file` run, outside React: starts the runner and folds its events into a store
 * the screen reads. `abort()` stops the current supply cleanly (the ticket is still awaited).
 */
export class DriverRun {
  private readonly controller = new AbortController();
  private progress: RunProgress;
  readonly store = new SnapshotStore<RunProgress>(() => this.progress);
  readonly done: Promise<RunOutcome | null>;

  constructor(kind: DriverMode['kind'], cpIds: readonly string[], start: Starter) {
    this.progress = { kind, items: cpIds.map((cpId) => ({ cpId, status: 'waiting', text: '' })), phase: 'running', pause: null, summary: null };
    this.done = start(this.controller.signal, (e) => this.apply(e)).then(
      (outcome) => {
        this.finish(outcome.kind === 'file' ? summaryOf(outcome.result) : null);
        return outcome;
      },
      (error: unknown) => {
        this.finish(`run failed: ${String(error instanceof Error ? error.message : error)}`);
        return null;
      },
    );
  }

  /** Starts the runner that matches `mode` on a real driver. */
  static start(driver: Driver, mode: DriverMode, clock?: Clock): DriverRun {
    const stop = { stopAtKwh: mode.kwh, stopAfterMs: mode.seconds !== undefined ? mode.seconds * 1000 : undefined };
    if (mode.kind === 'single') {
      return new DriverRun('single', [mode.cpId], async (signal, onEvent) => ({
        kind: 'single',
        result: await runSingle(driver, { cpId: mode.cpId, ...stop, signal, clock, onEvent }),
      }));
    }
    return new DriverRun('file', mode.cpIds, async (signal, onEvent) => ({
      kind: 'file',
      result: await runFile(driver, { cpIds: mode.cpIds, pauseMs: mode.pauseMs, ...stop, signal, clock, onEvent }),
    }));
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
        const status = event.data['status'] as ServiceResult['status'];
        return this.setItem(cpId, ['requesting', 'stopping'], { status, text: event.text });
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

function summaryOf(result: FileRunResult): string {
  const completed = result.results.filter((r) => r.status === 'completed').length;
  return `${completed} of ${result.results.length} services completed`;
}
