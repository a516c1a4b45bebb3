import { readFileSync, statSync } from 'node:fs';
import { credentialFileOf } from '../config/records-security.js';
import type { EvchargeConfig } from '../config/schema.js';
import { parseCredential } from '../protocol/credential-file.js';
import type { IdentityKind } from '../protocol/credentials.js';
import type { AuditedRegistry, RegistryDoc } from '../roles/central/registry.js';
import { RegistryError } from '../roles/central/registry.js';
import type { CentralTrust } from '../roles/central/trust.js';
import type { HolderTrust } from '../roles/shared/sealed-bus.js';
import { readRegistry, writeSecret } from './registry-store.js';
import { principalOf } from '../config/security.js';
import { UsageError } from './usage-error.js';

/** How often a running central looks whether the registry file changed (a revoke, an add). */
const REGISTRY_CHECK_MS = 2000;
/** At most this often when a record names an identity the registry lacks (a flood of forgeries costs a stat each 200 ms). */
const REGISTRY_FRESH_MS = 200;

function protectionOf(config: EvchargeConfig) {
  const p = config.records.protection;
  return p === 'off' ? null : p;
}

/**
 * Central's record protection from the config: the registry, read at start and again whenever
 * the file changes (checked every 2 s), so `registry revoke` takes effect without a restart.
 */
export function centralTrust(config: EvchargeConfig): CentralTrust | undefined {
  const protection = protectionOf(config);
  if (!protection) return undefined;
  const file = config.records.registryFile;
  const stamp = () => {
    try {
      return statSync(file).mtimeMs;
    } catch {
      return null;
    }
  };
  let seenAt = stamp();
  if (seenAt === null) {
    throw new UsageError(`security.records is ${protection} but the registry ${file} does not exist: register the CPs and drivers first (evcharge registry add cp CP001 --config ${config.source})`);
  }
  let doc: RegistryDoc = load(file);
  let checkedAt = Date.now();
  const auditedFile = `${file}.audited`;
  return {
    protection,
    freshnessMs: config.records.freshnessMs,
    audited: {
      read: () => {
        try {
          const parsed = JSON.parse(readFileSync(auditedFile, 'utf8')) as AuditedRegistry;
          return Array.isArray(parsed.identities) ? parsed : null;
        } catch {
          return null;
        }
      },
      write: (seen) => {
        try {
          writeSecret(auditedFile, JSON.stringify(seen) + '\n');
        } catch {
          // Not writable: the same changes are audited again by the next central, which is the safe side.
        }
      },
    },
    registry: (fresh = false) => {
      const now = Date.now();
      if (now - checkedAt < (fresh ? REGISTRY_FRESH_MS : REGISTRY_CHECK_MS)) return doc;
      checkedAt = now;
      const at = stamp();
      if (at !== null && at !== seenAt) {
        try {
          doc = readRegistry(file);
          seenAt = at;
        } catch {
          // Half-written or broken: keep the last good one; the next change is read again.
        }
      }
      return doc;
    },
  };
}

function load(file: string): RegistryDoc {
  try {
    return readRegistry(file);
  } catch (e) {
    if (e instanceof RegistryError) throw new UsageError(e.message);
    throw e;
  }
}

/** A CP's or driver's record protection: its credential file, which must be its own and private. */
export function holderTrust(config: EvchargeConfig, kind: IdentityKind, id: string): HolderTrust | undefined {
  const protection = protectionOf(config);
  if (!protection) return undefined;
  const file = credentialFileOf(config.records.credentialFile, kind, id);
  let text: string;
  let mode: number;
  try {
    mode = statSync(file).mode;
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `security.records is ${protection}: ${kind} ${id} needs its credential at ${file} (make it on central's machine with: evcharge registry add ${kind} ${id}, then copy it here; security.credential_file says where)`
        : `security.credential_file: cannot read ${file} (${code ?? (e as Error).message})`,
    );
  }
  if ((mode & 0o077) !== 0) throw new UsageError(`security.credential_file: ${file} can be read by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 ${file}`);
  const credential = parseCredential(text, file, { kind, id });
  if ('error' in credential) throw new UsageError(`security.credential_file: ${credential.error}`);
  return { protection, credential, freshnessMs: config.records.freshnessMs };
}

/**
 * The demo over Kafka and the simulator play many CPs and drivers without their credentials: on
 * a network whose records are protected, central would refuse everything they write.
 */
export function refuseUnsealedPlayers(config: EvchargeConfig, command: string): void {
  const protection = protectionOf(config);
  if (protection) {
    throw new UsageError(`${command} does not seal records yet, and this config's security.records is ${protection}: central would refuse everything it writes; run it against a config with security.records off (or none)`);
  }
}

/** The Kafka principal a role's audit entries name: its own with kafka.security, none without. */
export function auditPrincipal(config: EvchargeConfig, role: 'central' | 'cp' | 'driver', id?: string): string | null {
  return config.security ? principalOf(config.principals, role, id) : null;
}
