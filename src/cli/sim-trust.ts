import type { EvchargeConfig } from '../config/schema.js';
import type { IdentityKind } from '../protocol/credentials.js';
import { newCredentialSecret } from '../protocol/credentials.js';
import { activeSecret, addIdentity, findIdentity, RegistryError } from '../roles/central/registry.js';
import type { HolderTrust } from '../roles/shared/sealed-bus.js';
import { holderTrust } from './record-trust.js';
import { readRegistry, writeRegistry } from './registry-store.js';
import { UsageError } from './usage-error.js';

export interface SimPlayers {
  cp: readonly string[];
  driver: readonly string[];
}

/**
 * The simulator's players' record protection, on a network whose records are sealed. Each
 * player seals with its own credential, as the real role would:
 * - by default from its credential file (security.credential_file), made by `evcharge registry
 *   add`; a missing one stops the run before anything is written, naming it;
 * - with `enroll`, on central's machine: players missing from the registry are added to it (one
 *   write), and every player's secret is taken from the registry, so no file is written.
 * Returns undefined while security.records is off: the players write plain records.
 */
export function simPlayersTrust(config: EvchargeConfig, players: SimPlayers, enroll: boolean): { trustOf: (kind: IdentityKind, id: string) => HolderTrust; enrolled: number } | undefined {
  const protection = config.records.protection;
  if (protection === 'off') return undefined;
  const all: [IdentityKind, string][] = [...players.cp.map((id) => ['cp', id] as [IdentityKind, string]), ...players.driver.map((id) => ['driver', id] as [IdentityKind, string])];
  const trusts = new Map<string, HolderTrust>();
  const key = (kind: IdentityKind, id: string) => `${kind}:${id}`;
  let enrolled = 0;
  if (enroll) {
    const file = config.records.registryFile;
    try {
      let doc = readRegistry(file);
      const now = new Date();
      for (const [kind, id] of all) {
        const known = findIdentity(doc, kind, id);
        if (known && known.revoked !== null) throw new UsageError(`sim --enroll: ${kind} ${id} was revoked on ${known.revoked}; --enroll never lets a revoked identity in again (use another --id-prefix, or evcharge registry add ${kind} ${id} --replace)`);
        if (!known) {
          doc = addIdentity(doc, kind, id, newCredentialSecret(), now).doc;
          enrolled++;
        }
      }
      if (enrolled > 0) writeRegistry(file, doc);
      for (const [kind, id] of all) {
        const secret = activeSecret(doc, kind, id)!;
        const issued = findIdentity(doc, kind, id)!.issued;
        trusts.set(key(kind, id), { protection, credential: { kind, id, secret, issued }, freshnessMs: config.records.freshnessMs });
      }
    } catch (e) {
      if (e instanceof RegistryError) throw new UsageError(`sim --enroll: ${e.message}`);
      throw e;
    }
  } else {
    for (const [kind, id] of all) {
      try {
        trusts.set(key(kind, id), holderTrust(config, kind, id)!);
      } catch (e) {
        if (e instanceof UsageError) {
          throw new UsageError(`${e.message}; on central's machine, sim --enroll adds every simulated CP and driver to the registry at once`);
        }
        throw e;
      }
    }
  }
  return {
    enrolled,
    trustOf: (kind, id) => {
      const t = trusts.get(key(kind, id));
      if (!t) throw new Error(`sim: no credential loaded for ${kind} ${id}`);
      return t;
    },
  };
}
