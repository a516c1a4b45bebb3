import { existsSync } from 'node:fs';
import { credentialFileOf } from '../../config/records-security.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { credentialText } from '../../protocol/credential-file.js';
import { newCredentialSecret, type IdentityKind } from '../../protocol/credentials.js';
import { addIdentity, RegistryError, replaceIdentity, revokeIdentity } from '../../roles/central/registry.js';
import type { CommonArgs } from '../common-args.js';
import { readRegistry, writeRegistry, writeSecret } from '../registry-store.js';
import { requireId } from '../role-args.js';
import { UsageError } from '../usage-error.js';
import { printOcppKey, writeOcppKeys } from './registry-ocpp.js';

const KINDS: readonly IdentityKind[] = ['cp', 'driver'];

function kindOf(value: unknown): IdentityKind {
  if (KINDS.includes(value as IdentityKind)) return value as IdentityKind;
  throw new UsageError(`registry: the kind is cp or driver, not "${String(value ?? '')}" (e.g. evcharge registry add cp CP001)`);
}

/**
 * `evcharge registry add|list|revoke`: central's identities (issue 12, part 2). `add` writes the
 * credential file to copy to the CP's or driver's machine (the config's security.credential_file,
 * or --out) and keeps its secret in the registry (security.registry_file); neither is printed.
 */
export async function runRegistry(config: EvchargeConfig, argv: CommonArgs): Promise<number> {
  const file = config.records.registryFile;
  const action = String(argv['action'] ?? '');
  const out = (line: string, json: object) => process.stdout.write(argv.json ? JSON.stringify(json) + '\n' : line + '\n');
  try {
    if (action === 'list') {
      const doc = readRegistry(file);
      if (argv.json) {
        process.stdout.write(JSON.stringify({ registry: file, identities: doc.identities.map(({ secret: _secret, ...i }) => i) }) + '\n');
        return 0;
      }
      const lines = [`evcharge registry · ${file} · ${doc.identities.length} identit${doc.identities.length === 1 ? 'y' : 'ies'} · records ${config.records.protection}`];
      if (doc.identities.length === 0) lines.push('  (none yet: evcharge registry add cp CP001)');
      for (const i of doc.identities) lines.push(`  ${i.kind.padEnd(6)} ${i.id.padEnd(16)} ${i.revoked === null ? 'active ' : 'REVOKED'}  issued ${i.issued}${i.revoked === null ? '' : `, revoked ${i.revoked}`}`);
      process.stdout.write(lines.join('\n') + '\n');
      return 0;
    }
    if (action === 'ocpp-keys') return writeOcppKeys(config, typeof argv['out'] === 'string' ? argv['out'] : undefined, out);
    const kind = kindOf(argv['kind']);
    const id = requireId(kind, String(argv['id'] ?? ''), 'id');
    if (action === 'ocpp-key') {
      if (kind !== 'cp') throw new UsageError('registry ocpp-key: only a cp (an OCPP station) has an AuthorizationKey, e.g. evcharge registry ocpp-key cp GARAGE-1');
      return printOcppKey(config, id, out);
    }
    const now = new Date();
    if (action === 'add') {
      const target = typeof argv['out'] === 'string' ? argv['out'] : credentialFileOf(config.records.credentialFile, kind, id);
      if (existsSync(target) && !argv['replace']) throw new UsageError(`registry add: ${target} exists; move it away, or pass --replace to overwrite it`);
      const secret = newCredentialSecret();
      const doc = readRegistry(file);
      const { doc: next, identity } = argv['replace'] ? replaceIdentity(doc, kind, id, secret, now) : addIdentity(doc, kind, id, secret, now);
      // The credential first: a registry entry whose credential was never written would be a
      // secret nobody holds.
      writeSecret(target, credentialText({ kind, id, secret, issued: identity.issued }));
      writeRegistry(file, next);
      out(`added ${kind} ${id}: credential ${target} (copy it to the ${kind === 'cp' ? "CP's" : "driver's"} machine, mode 0600; its config's security.credential_file names where); registry ${file}`, { added: { kind, id, credential: target, registry: file, issued: identity.issued } });
      return 0;
    }
    if (action === 'revoke') {
      const next = revokeIdentity(readRegistry(file), kind, id, now);
      writeRegistry(file, next);
      out(`revoked ${kind} ${id}: a central refuses its records once it reads the registry again (at its start); registry ${file}`, { revoked: { kind, id, registry: file, at: now.toISOString() } });
      return 0;
    }
    throw new UsageError(`registry: the action is add, list, revoke, ocpp-key or ocpp-keys, not "${action}"`);
  } catch (e) {
    if (e instanceof RegistryError) throw new UsageError(e.message);
    throw e;
  }
}
