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

/**
 * Wraps one method of a class kafkajs keeps in a private module (`network/connection.js`), on its
 * prototype, once per process however often it is called. False when the module or the method is
 * not there as expected (another kafkajs version): nothing is patched then.
 */
export function patchKafkajsMethod<P extends object, M extends keyof P & string>(subpath: string, method: M, wrap: (original: P[M]) => P[M]): boolean {
  const require = createRequire(import.meta.url);
  let exported: { prototype?: P } | undefined;
  try {
    exported = require(`kafkajs/src/${subpath}`) as { prototype?: P };
  } catch {
    return false;
  }
  const proto = exported?.prototype;
  if (!proto || typeof proto[method] !== 'function') return false;
  const marks = proto as unknown as Record<symbol, boolean>;
  const patched = Symbol.for(`evcharge.kafkajs.${subpath}#${method}`);
  if (marks[patched]) return true;
  proto[method] = wrap(proto[method]);
  marks[patched] = true;
  return true;
}
