import { validateId } from '../protocol/index.js';
import { UsageError } from './usage-error.js';

/** Checks flags yargs cannot (ids, ranges) before anything touches Kafka. */
export function requireId(kind: 'cp' | 'driver', id: unknown): string {
  const problem = validateId(kind, String(id ?? ''));
  if (problem) throw new UsageError(`--id: ${problem}`);
  return String(id);
}

export function optionalPositive(flag: string, value: unknown, { allowZero = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new UsageError(`--${flag}: expected a ${allowZero ? 'non-negative' : 'positive'} number, got "${String(value)}"`);
  }
  return n;
}
