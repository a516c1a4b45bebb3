import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newCredentialSecret } from '../protocol/credentials.js';
import { emptyRegistry, parseRegistry, RegistryError, type RegistryDoc } from '../roles/central/registry.js';

/**
 * The registry file on central's machine. Written whole to a temporary file and renamed, so a
 * crash mid-write never leaves half a registry; mode 0600, as every credential is in it.
 */
export function readRegistry(file: string): RegistryDoc {
  if (!existsSync(file)) return emptyRegistry(newCredentialSecret());
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RegistryError(`registry ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); central reads it as the user it runs as`);
  }
  return parseRegistry(text, file);
}

export function writeRegistry(file: string, doc: RegistryDoc): void {
  writeSecret(file, JSON.stringify(doc, null, 2) + '\n');
}

/** A file only its owner may read, written atomically; its folder is made if missing. */
export function writeSecret(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
