import type { RunProgress } from '../../roles/driver/index.js';

/** Services of the run that have a result. */
export const doneCount = (progress: RunProgress): number => progress.items.filter((i) => !['waiting', 'requesting', 'stopping'].includes(i.status)).length;

/** The run's status line: the pause, the abort, the end; null while a service simply goes on (its row says so). */
export function runStatus(progress: RunProgress, now: number): string | null {
  if (progress.phase === 'pausing' && progress.pause) {
    const left = Math.max(0, Math.ceil((progress.pause.since + progress.pause.ms - now) / 1000));
    return `pausing ${left} s before ${progress.pause.next}`;
  }
  if (progress.phase === 'aborting') return 'stopping the run; waiting for the ticket…';
  if (progress.phase === 'done') return `done: ${progress.summary ?? `${doneCount(progress)} of ${progress.items.length} finished`} · q quits`;
  return null;
}
