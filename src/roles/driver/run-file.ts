import { systemClock } from '../../bus/clock.js';
import { validateId } from '../../protocol/index.js';
import type { Driver } from './driver.js';
import { servicesExitCode } from './exit-code.js';
import { runSingle, type SingleRunOptions } from './run-single.js';
import type { ServiceResult } from './service-result.js';

export interface FileRunOptions extends Omit<SingleRunOptions, 'cpId'> {
  cpIds: readonly string[];
  /** Wait after each service, success or failure, before the next. Default 4000. */
  pauseMs?: number;
}

export interface FileRunResult {
  results: ServiceResult[];
  /** True only if every listed service was attempted and completed. */
  allCompleted: boolean;
  /** See servicesExitCode: 1 when any was denied, failed or interrupted, or the run was aborted. */
  exitCode: 0 | 1;
}

/** File mode: each CP in turn, a pause between them; an abort stops the current one and ends the run. */
export async function runFile(driver: Driver, options: FileRunOptions): Promise<FileRunResult> {
  const clock = options.clock ?? systemClock;
  const pauseMs = options.pauseMs ?? 4000;
  const results: ServiceResult[] = [];
  const emit = (kind: 'pause' | 'run-done', text: string, data: Record<string, unknown>) =>
    options.onEvent?.({ at: clock.now(), kind, text, data });

  for (const [index, cpId] of options.cpIds.entries()) {
    if (options.signal?.aborted) break;
    results.push(await runSingle(driver, { ...options, cpId }));
    const last = index === options.cpIds.length - 1;
    if (!last && !options.signal?.aborted) {
      emit('pause', `waiting ${pauseMs} ms before the next service`, { pauseMs, next: options.cpIds[index + 1] });
      await pause(clock, pauseMs, options.signal);
    }
  }
  const exitCode = servicesExitCode(results, options.cpIds.length);
  const allCompleted = exitCode === 0;
  const completed = results.filter((r) => r.status === 'completed').length;
  emit('run-done', `${completed} of ${options.cpIds.length} services completed`, { completed, total: options.cpIds.length, allCompleted });
  return { results, allCompleted, exitCode };
}

function pause(clock: typeof systemClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(done, ms);
    function done() {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Reads a services file: one CP id per line; blank lines and `#` comments are skipped. */
export function parseServicesFile(text: string): { cpIds: string[]; errors: string[] } {
  const cpIds: string[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const problem = validateId('cp', line);
    if (problem) errors.push(`line ${i + 1}: ${problem}`);
    else cpIds.push(line);
  });
  if (cpIds.length === 0 && errors.length === 0) errors.push('the file lists no charge points');
  return { cpIds, errors };
}
