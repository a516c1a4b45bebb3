import path from 'node:path';
import type { EvchargeConfig } from '../../config/schema.js';
import { authorizationKeyOf, keysFileText, verifierOf } from '../../ocpp/authorization-keys.js';
import { activeSecret, findIdentity } from '../../roles/central/registry.js';
import { readRegistry, writeSecret } from '../registry-store.js';
import { UsageError } from '../usage-error.js';

type Out = (line: string, json: object) => void;

/**
 * `evcharge registry ocpp-key cp <id>`: the station's AuthorizationKey (OCPP security profiles 1
 * and 2), derived from its registry secret: what to configure on the station. It is a password:
 * printed for the operator who types it in, never stored anywhere by evcharge.
 */
export function printOcppKey(config: EvchargeConfig, id: string, out: Out): number {
  const file = config.records.registryFile;
  const doc = readRegistry(file);
  const secret = activeSecret(doc, 'cp', id);
  if (!secret) {
    const why = findIdentity(doc, 'cp', id) ? 'is revoked' : 'is not in it';
    throw new UsageError(`registry ocpp-key: cp ${id} ${why} (registry ${file}); add it first: evcharge registry add cp ${id}`);
  }
  const key = authorizationKeyOf(secret, id).toString('hex').toUpperCase();
  out(`${id} AuthorizationKey ${key}  (set it as the station's AuthorizationKey; it logs in as ${id}. The gateway checks it against its keys file, which evcharge registry ocpp-keys writes)`, { station: id, authorizationKey: key });
  return 0;
}

/**
 * `evcharge registry ocpp-keys [--out F]`: the gateway's file of verifiers, one per active CP in
 * the registry (revoked ones left out), written whole (mode 0600). A running gateway reads it again
 * at its next connection.
 */
export function writeOcppKeys(config: EvchargeConfig, outFile: string | undefined, out: Out): number {
  const file = config.records.registryFile;
  const target = outFile !== undefined ? path.resolve(outFile) : config.ocpp.authorizationKeysFile;
  if (!target) throw new UsageError("registry ocpp-keys: where to? give --out FILE, or set ocpp.authorization_keys_file in the config");
  const doc = readRegistry(file);
  const stations: Record<string, string> = {};
  for (const i of doc.identities) {
    if (i.kind !== 'cp' || i.revoked !== null) continue;
    stations[i.id] = verifierOf(authorizationKeyOf(Buffer.from(i.secret, 'base64url'), i.id));
  }
  writeSecret(target, keysFileText(stations, new Date()));
  const n = Object.keys(stations).length;
  out(`wrote ${target}: ${n} station${n === 1 ? '' : 's'} (verifiers, not keys; copy it to the gateway's machine as ocpp.authorization_keys_file); registry ${file}`, { wrote: target, stations: Object.keys(stations).sort(), registry: file });
  return 0;
}
