import { createRequire } from 'node:module';

/**
 * Replaces the export of one of kafkajs's private modules (a factory function) with
 * `wrap(original)`, before kafkajs's own modules require it: it must run before kafkajs is first
 * loaded (see kafkajs.ts). Resolves to kafkajs's original, or null when the module is not there
 * as expected (another kafkajs version): nothing is replaced then.
 */
export function replaceKafkajsModule<T extends (...args: never[]) => unknown>(subpath: string, wrap: (original: T) => T): T | null {
  const require = createRequire(import.meta.url);
  let id: string;
  try {
    id = require.resolve(`kafkajs/src/${subpath}`);
  } catch {
    return null;
  }
  const original = require(id) as T;
  const cached = require.cache[id];
  if (typeof original !== 'function' || !cached) return null;
  cached.exports = wrap(original);
  return original;
}
