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
    throw new UsageError(`--${flag}: expected a ${allowZero ? 'non-negative' : 'positive'} number, got "${typed(flag) ?? String(value)}"`);
  }
  return n;
}

/**
 * What was typed after `--flag` (yargs has already turned "abc" into NaN by the time the value
 * reaches a check): `--flag value` or `--flag=value`, the last one given.
 */
function typed(flag: string, argv: readonly string[] = process.argv): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${flag}` && i + 1 < argv.length) found = argv[i + 1];
    else if (a.startsWith(`--${flag}=`)) found = a.slice(flag.length + 3);
  }
  return found;
}
