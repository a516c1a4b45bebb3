/**
 * CP and driver ids travel as Kafka keys and appear in group names (`cp-{id}-group`), so they are
 * kept to a conservative alphabet. The CLI reuses this validator for `--id` and `--cp`.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type IdKind = 'cp' | 'driver';

/** Returns an error message naming the problem, or null when the id is valid. */
export function validateId(kind: IdKind, id: string): string | null {
  const what = kind === 'cp' ? 'charge point id' : 'driver id';
  if (typeof id !== 'string' || id.length === 0) return `${what} is empty`;
  if (id.length > 64) return `${what} is ${id.length} characters long (at most 64)`;
  if (!ID_PATTERN.test(id)) {
    return `${what} "${id}" may only contain letters, digits, "_" and "-"`;
  }
  return null;
}

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}
