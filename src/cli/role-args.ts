import { validateId } from '../protocol/index.js';
import { UsageError } from './usage-error.js';

/**
 * The one place flags yargs cannot check (ids, ranges) are checked, before anything touches
 * Kafka. Every message names the flag, what it expects and what was typed.
 */
export function requireId(kind: 'cp' | 'driver', id: unknown, flag = 'id'): string {
  const problem = validateId(kind, String(id ?? ''));
  if (problem) throw new UsageError(`--${flag}: ${problem}`);
  return String(id);
}

export interface NumberRule {
  /** Lowest value; allowed itself only with `minIncluded`. Default 0, excluded. */
  min?: number;
  minIncluded?: boolean;
  /** Highest value allowed. */
  max?: number;
  integer?: boolean;
}

function expected({ min = 0, minIncluded = false, max, integer = false }: NumberRule): string {
  if (integer) return `a whole number from ${minIncluded ? min : min + 1}${max === undefined ? ' up' : ` to ${max}`}`;
  const low = min === 0 ? (minIncluded ? 'a non-negative number' : 'a positive number') : `a number ${minIncluded ? 'of at least' : 'more than'} ${min}`;
  return max === undefined ? low : `${low} of at most ${max}`;
}

/** A number flag: undefined when not given, else a number within the rule. */
export function numberFlag(flag: string, value: unknown, rule: NumberRule = {}): number | undefined {
  if (value === undefined) return undefined;
  const { min = 0, minIncluded = false, max, integer = false } = rule;
  const n = Number(value);
  const fits = Number.isFinite(n) && (minIncluded ? n >= min : n > min) && (max === undefined || n <= max) && (!integer || Number.isInteger(n));
  if (!fits) throw new UsageError(`--${flag}: expected ${expected(rule)}, got "${typed(flag) ?? String(value)}"`);
  return n;
}

export function optionalPositive(flag: string, value: unknown, { allowZero = false } = {}): number | undefined {
  return numberFlag(flag, value, { min: 0, minIncluded: allowZero });
}

/** `--id-prefix`: the ids it makes (`examples`) must be valid ids. Unset: `fallback`. */
export function idPrefixFlag(value: unknown, fallback: string, examples: (prefix: string) => string[]): string {
  const prefix = typeof value === 'string' ? value : fallback;
  for (const id of examples(prefix)) {
    const problem = validateId('cp', id);
    if (problem) throw new UsageError(`--id-prefix "${prefix}": ids such as ${id} would not be valid (${problem.replace(/^charge point id "[^"]*" /, '')}); use letters, digits, "_" and "-"`);
  }
  return prefix;
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
