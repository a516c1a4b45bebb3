import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RPCClient } from 'ocpp-rpc';
import { TestNetwork, type RoleProcess } from '../helpers/role-process.js';
import { runCli } from '../helpers/run-cli.js';
import { stationClient } from '../helpers/ocpp-client.js';

/**
 * OCPP security profiles 1 (HTTP Basic per station) and 2 (the same over TLS), with the gateway
 * and central as processes of the real binary on Kafka, the stations ocpp-rpc's own client. Every
 * key, certificate and password is made here, at run time.
 */
const net = new TestNetwork();
const clients: RPCClient[] = [];
after(async () => {
  await Promise.all(clients.map((s) => s.close({ force: true }).catch(() => {})));
  await net.stopAll();
});
const baseConfig = readFileSync(net.configPath, 'utf8') + ['security:', '  registry_file: central/registry.json', '  credential_file: creds/{kind}-{id}.json', ''].join('\n');
const useOcpp = (...lines: string[]) => writeFileSync(net.configPath, baseConfig + ['ocpp:', ...lines.map((l) => `  ${l}`), ''].join('\n'));
const cli = (...args: string[]) => runCli([...args, '--config', net.configPath], { env: { EVCHARGE_LOG_DIR: path.join(net.dir, 'logs') } });
const ok = async (...args: string[]) => {
  const r = await cli(...args);
  assert.equal(r.code, 0, `evcharge ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const keyOf = async (id: string) => Buffer.from(JSON.parse(await ok('registry', 'ocpp-key', 'cp', id, '--json')).authorizationKey, 'hex');

function station(endpoint: string, identity: string, password?: Buffer, wsOpts: Record<string, unknown> = {}): RPCClient {
  const s = stationClient(endpoint, identity, { ...(password && { password }), wsOpts } as Parameters<typeof stationClient>[2]);
  clients.push(s);
  return s;
}
const boot = async (s: RPCClient) => {
  await s.connect();
  return ((await s.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'secure' })) as { status: string }).status;
};
/** Connecting fails, and the gateway says why (the station-refused event with its HTTP code). */
async function refused(gw: RoleProcess, s: RPCClient, code: number, why: RegExp): Promise<void> {
  const from = gw.events.length;
  await assert.rejects(s.connect(), (e: Error) => (assert.match(String(e.message), new RegExp(String(code === 401 ? 'Unauthorized|401' : code))), true));
  const e = await gw.waitFor((e) => e.kind === 'station-refused' && e['identity'] === s.identity, `the refusal of ${s.identity}`, 10000, from);
  assert.equal(e['code'], code);
  assert.match(String(e['reason']), why);
}

let central: RoleProcess;

test('profile 1: a station logs in with the AuthorizationKey its registry entry gives; a wrong, missing or unknown one is refused 401; the keys file is read again without a restart', async () => {
  useOcpp('security_profile: 1', 'authorization_keys_file: gateway/ocpp-keys.json');
  await ok('registry', 'add', 'cp', 'SEC1');
  await ok('registry', 'add', 'cp', 'SEC2');
  assert.match(await ok('registry', 'ocpp-keys'), /wrote .*gateway\/ocpp-keys\.json: 2 stations/);
  const [k1, k2] = [await keyOf('SEC1'), await keyOf('SEC2')];
  assert.equal(k1.length, 20);

  central = net.central();
  await central.waitForKind('kafka-connected');
  const gw = net.start('ocpp-p1', ['ocpp', '--listen', '127.0.0.1:0']);
  const listening = await gw.waitForKind('listening');
  assert.equal(listening['securityProfile'], 1);
  const endpoint = `ws://127.0.0.1:${Number(listening['port'])}/ocpp`;

  assert.equal(await boot(station(endpoint, 'SEC1', k1)), 'Accepted', gw.outcome());
  await central.waitForKind('cp-registered', { cpId: 'SEC1' });
  // The key's hex digits as text, as many stations send it, are the same password.
  const sec2 = station(endpoint, 'SEC2', Buffer.from(k2.toString('hex').toUpperCase()));
  assert.equal(await boot(sec2), 'Accepted');

  await refused(gw, station(endpoint, 'SEC2', k1), 401, /wrong password/);
  await refused(gw, station(endpoint, 'SEC1'), 401, /no password/);
  await refused(gw, station(endpoint, 'SEC3', k1), 401, /not in the authorization keys file/);

  // SEC3 joins the registry and SEC2 leaves it; the file is written again and the running gateway
  // follows: SEC2's live connection is closed, and it cannot log in again.
  const sec2Closed = new Promise<{ code: number }>((resolve) => sec2.once('close', resolve));
  await ok('registry', 'add', 'cp', 'SEC3');
  await ok('registry', 'revoke', 'cp', 'SEC2');
  assert.match(await ok('registry', 'ocpp-keys'), /2 stations/);
  const revoked = await gw.waitFor((e) => e.kind === 'station-refused' && e['identity'] === 'SEC2' && /revoked/.test(String(e['reason'])), 'SEC2 let go once revoked');
  assert.equal(revoked['code'], 1008);
  assert.equal((await sec2Closed).code, 1008);
  assert.equal(await boot(station(endpoint, 'SEC3', await keyOf('SEC3'))), 'Accepted', gw.outcome());
  await refused(gw, station(endpoint, 'SEC2', k2), 401, /not in the authorization keys file/);

  const printed = gw.events.map((e) => JSON.stringify(e)).join('\n') + gw.stderr;
  for (const k of [k1, k2]) assert.ok(!printed.includes(k.toString('hex')) && !printed.toLowerCase().includes(k.toString('hex')), 'no key in the gateway output');
  await gw.stop();
});

test('profile 2: wss:// with the gateway certificate, HTTP Basic inside; a plain or untrusting client gets nothing; bad TLS files exit 2 naming the key', async () => {
  const dir = path.join(net.dir, 'tls');
  const openssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: net.dir, encoding: 'utf8' });
    assert.equal(r.status, 0, `openssl ${args[0]}: ${r.stderr}`);
  };
  mkdirSync(dir, { recursive: true });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/ca.key`, '-out', `${dir}/ca.crt`, '-days', '2', '-subj', '/CN=evcharge test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/gw.key`, '-out', `${dir}/gw.csr`, '-subj', '/CN=127.0.0.1');
  writeFileSync(`${dir}/ext.cnf`, 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', `${dir}/gw.csr`, '-CA', `${dir}/ca.crt`, '-CAkey', `${dir}/ca.key`, '-CAcreateserial', '-out', `${dir}/gw.crt`, '-days', '2', '-extfile', `${dir}/ext.cnf`);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/other.key`, '-out', `${dir}/other.csr`, '-subj', '/CN=other');

  // What cannot serve TLS stops before Kafka, naming the key.
  useOcpp('security_profile: 2', 'authorization_keys_file: gateway/ocpp-keys.json', 'tls: { cert_file: tls/gw.crt, key_file: tls/other.key }');
  let r = await cli('ocpp', '--listen', '127.0.0.1:0');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /ocpp\.tls: .*other\.key and .*gw\.crt do not make a TLS server/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  useOcpp('security_profile: 2', 'authorization_keys_file: gateway/ocpp-keys.json', 'tls: { cert_file: tls/none.crt, key_file: tls/gw.key }');
  r = await cli('ocpp', '--listen', '127.0.0.1:0');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /ocpp\.tls\.cert_file: cannot read .*none\.crt \(ENOENT\)/);
  useOcpp('security_profile: 1', 'authorization_keys_file: gateway/missing.json');
  r = await cli('ocpp', '--listen', '127.0.0.1:0');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /ocpp\.authorization_keys_file: cannot read .*missing\.json \(ENOENT\); write it with `evcharge registry ocpp-keys/);

  useOcpp('security_profile: 2', 'authorization_keys_file: gateway/ocpp-keys.json', 'tls: { cert_file: tls/gw.crt, key_file: tls/gw.key }');
  const gw = net.start('ocpp-p2', ['ocpp', '--listen', '127.0.0.1:0']);
  const listening = await gw.waitForKind('listening');
  assert.equal(listening['securityProfile'], 2);
  assert.match(String(listening['url']), /^wss:\/\/127\.0\.0\.1:\d+\/ocpp\/$/);
  const port = Number(listening['port']);
  const ca = readFileSync(`${dir}/ca.crt`);
  const k1 = await keyOf('SEC1');

  assert.equal(await boot(station(`wss://127.0.0.1:${port}/ocpp`, 'SEC1', k1, { ca })), 'Accepted', gw.outcome());
  await refused(gw, station(`wss://127.0.0.1:${port}/ocpp`, 'SEC1', await keyOf('SEC3'), { ca }), 401, /wrong password/);
  // A client that does not trust the gateway's CA, and a plain ws:// one, never get as far as a login.
  await assert.rejects(station(`wss://127.0.0.1:${port}/ocpp`, 'SEC3', await keyOf('SEC3')).connect(), /self[- ]signed|unable to verify|certificate/i);
  await assert.rejects(station(`ws://127.0.0.1:${port}/ocpp`, 'SEC3', await keyOf('SEC3')).connect());
  assert.equal(gw.count('station-refused', { identity: 'SEC3' }), 0, 'neither reached the gateway as a station');
  await gw.stop();
});
