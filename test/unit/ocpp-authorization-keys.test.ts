import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { newCredentialSecret } from '../../src/protocol/credentials.js';
import { AUTHORIZATION_KEY_BYTES, authorizationKeyOf, keysFileText, StationPasswords, verifierOf } from '../../src/ocpp/authorization-keys.js';

test("a station's AuthorizationKey is 20 bytes derived from its registry secret: stable, different per station and per secret", () => {
  const secret = newCredentialSecret();
  const key = authorizationKeyOf(secret, 'ST1');
  assert.equal(key.length, AUTHORIZATION_KEY_BYTES);
  assert.deepEqual(authorizationKeyOf(secret, 'ST1'), key);
  assert.notDeepEqual(authorizationKeyOf(secret, 'ST2'), key);
  assert.notDeepEqual(authorizationKeyOf(newCredentialSecret(), 'ST1'), key);
});

test("the gateway takes the key's bytes or its hex digits, refuses a wrong, missing or unknown one, and reads the file again when it changes", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-keys-'));
  const file = path.join(dir, 'keys.json');
  const k1 = authorizationKeyOf(newCredentialSecret(), 'ST1');
  const k2 = authorizationKeyOf(newCredentialSecret(), 'ST2');
  writeFileSync(file, keysFileText({ ST1: verifierOf(k1) }, new Date()));
  const p = new StationPasswords(file);
  p.load();
  assert.equal(p.check('ST1', k1), 'ok');
  assert.equal(p.check('ST1', Buffer.from(k1.toString('hex').toUpperCase())), 'ok', 'hex digits as text, upper case');
  assert.equal(p.check('ST1', Buffer.from(k1.toString('hex'))), 'ok', 'lower case');
  assert.equal(p.check('ST1', k2), 'wrong-password');
  assert.equal(p.check('ST1', Buffer.from('password')), 'wrong-password');
  assert.equal(p.check('ST1', undefined), 'no-password');
  assert.equal(p.check('ST1', Buffer.alloc(0)), 'no-password');
  assert.equal(p.check('ST2', k2), 'unknown-station');

  // ST2 added (the file written again, with a new mtime): taken at the next refresh, no restart.
  writeFileSync(file, keysFileText({ ST1: verifierOf(k1), ST2: verifierOf(k2) }, new Date()));
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  p.refresh();
  assert.equal(p.problem, null);
  assert.equal(p.check('ST2', k2), 'ok');

  // A broken file: the last good keys stay in force, and the problem is said.
  writeFileSync(file, '{"version":1,"stations":{"ST1":"nothex"}}');
  utimesSync(file, new Date(), new Date(Date.now() + 10_000));
  p.refresh();
  assert.match(p.problem ?? '', /station ST1: the verifier is not 64 hex digits/);
  assert.equal(p.check('ST1', k1), 'ok');

  assert.throws(() => new StationPasswords(path.join(dir, 'missing.json')).load(), /cannot read .*missing\.json \(ENOENT\)/);
  writeFileSync(path.join(dir, 'other.json'), '{"a":1}');
  assert.throws(() => new StationPasswords(path.join(dir, 'other.json')).load(), /not an evcharge OCPP keys file/);
});
