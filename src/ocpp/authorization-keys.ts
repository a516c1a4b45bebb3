import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/**
 * OCPP security profiles 1 and 2: each station logs in with HTTP Basic, its id as the user and its
 * AuthorizationKey as the password. The key is derived from the station's secret in central's
 * registry (`evcharge registry add cp <id>`), so there is no second secret to keep:
 * `evcharge registry ocpp-key cp <id>` prints it for the station's configuration, and
 * `evcharge registry ocpp-keys` writes the gateway's file of verifiers (a SHA-256 of each key, not
 * the key, so the gateway's machine holds nothing a station could log in with).
 */

/** OCPP 1.6's AuthorizationKey is 16 to 20 bytes, configured as up to 40 hex digits. */
export const AUTHORIZATION_KEY_BYTES = 20;
const LABEL = 'evcharge/ocpp-authorization-key/v1/';

/** The station's AuthorizationKey: 20 bytes of an HMAC of its id under its registry secret. */
export function authorizationKeyOf(secret: Buffer, stationId: string): Buffer {
  return createHmac('sha256', secret).update(LABEL + stationId).digest().subarray(0, AUTHORIZATION_KEY_BYTES);
}

/** What the gateway keeps of a key. Keys are random 160-bit values: one hash is enough. */
export function verifierOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface KeysFile {
  version: 1;
  written: string;
  /** station id → verifier */
  stations: Record<string, string>;
}

export function keysFileText(stations: Record<string, string>, now: Date): string {
  const doc: KeysFile = { version: 1, written: now.toISOString(), stations };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** Reads a keys file, or says what is wrong with it (never throws). */
export function parseKeysFile(text: string): KeysFile | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const d = doc as Partial<KeysFile>;
  if (typeof d !== 'object' || d === null || d.version !== 1 || typeof d.stations !== 'object' || d.stations === null) return 'not an evcharge OCPP keys file (version 1)';
  for (const [id, v] of Object.entries(d.stations)) {
    if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) return `station ${id}: the verifier is not 64 hex digits`;
  }
  return d as KeysFile;
}

export type PasswordCheck = 'ok' | 'no-password' | 'unknown-station' | 'wrong-password';

/**
 * The gateway's check of a station's password. The 1.6 security whitepaper sends the key's bytes;
 * many stations send its hex digits as text instead: both are taken. The file is read again when
 * it changes, so a station added to (or revoked from) the registry needs no gateway restart.
 */
export class StationPasswords {
  private stations: Record<string, string> = {};
  /** The file as last read (mtime, inode, size): `evcharge registry ocpp-keys` renames a new file in. */
  private stamp = '';
  /** Why the last reload failed (the previous verifiers stay in force), or null. */
  problem: string | null = null;

  constructor(readonly file: string) {}

  /** Reads the file if it changed (true then); throws with the reason when it cannot be read or parsed. */
  load(): boolean {
    let stamp: string;
    let text: string;
    try {
      const st = statSync(this.file);
      stamp = `${st.mtimeMs}:${st.ino}:${st.size}`;
      if (stamp === this.stamp) return false;
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${this.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const doc = parseKeysFile(text);
    if (typeof doc === 'string') throw new Error(`${this.file}: ${doc}`);
    this.stations = doc.stations;
    this.stamp = stamp;
    return true;
  }

  /** The station is in the file (it may log in with its key). */
  knows(stationId: string): boolean {
    return Object.hasOwn(this.stations, stationId);
  }

  /** Reloads if the file changed (true then); a failure is kept in `problem` and the last good file used. */
  refresh(): boolean {
    try {
      const changed = this.load();
      this.problem = null;
      return changed;
    } catch (e) {
      this.problem = (e as Error).message;
      return false;
    }
  }

  check(stationId: string, password: Buffer | undefined): PasswordCheck {
    if (password === undefined || password.length === 0) return 'no-password';
    const want = Object.hasOwn(this.stations, stationId) ? Buffer.from(this.stations[stationId]!, 'hex') : null;
    // Hashed whether or not the station is known: the answer takes as long either way.
    const candidates = [password];
    const text = password.toString('latin1');
    if (/^[0-9A-Fa-f]{32,40}$/.test(text) && text.length % 2 === 0) candidates.push(Buffer.from(text, 'hex'));
    let ok = false;
    for (const c of candidates) {
      const got = createHash('sha256').update(c).digest();
      if (want && timingSafeEqual(got, want)) ok = true;
    }
    if (!want) return 'unknown-station';
    return ok ? 'ok' : 'wrong-password';
  }
}
