import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/config/load-config.js';
import { stationSettings } from '../../src/config/ocpp-config.js';

const BASE = ['kafka:', '  bootstrap_servers: ["127.0.0.1:9092"]', 'topic_defaults: { partitions: 1, replication_factor: 1, min_insync_replicas: 1 }'];
const parse = (...lines: string[]) => parseConfig([...BASE, ...lines, ''].join('\n'), 'test.yaml');
const rejects = (lines: string[], pattern: RegExp) =>
  assert.throws(
    () => parse(...lines),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    },
  );

test('without an ocpp section the gateway listens on 0.0.0.0:8887 at /ocpp and stations register with the CP defaults', () => {
  const c = parse();
  assert.equal(c.ocpp.listen, '0.0.0.0:8887');
  assert.equal(c.ocpp.path, '/ocpp');
  assert.equal(c.ocpp.heartbeatIntervalS, 60);
  assert.equal(c.ocpp.connectionTimeoutS, 60);
  assert.deepEqual(stationSettings(c.ocpp, 'ANY'), { location: 'unknown', pricePerKwh: 0.35, maxKw: 22 });
});

test('a station section overrides the defaults key by key; other stations get the defaults', () => {
  const c = parse(
    'ocpp:',
    '  listen: 127.0.0.1:9000',
    '  path: /ocpp/v16/',
    '  heartbeat_interval_s: 30',
    '  connection_timeout_s: 90',
    '  station_defaults: { location: Depot, price_per_kwh: 0.3 }',
    '  stations:',
    '    GARAGE-1: { location: "Garage, bay 1", max_kw: 11 }',
  );
  assert.equal(c.ocpp.listen, '127.0.0.1:9000');
  assert.equal(c.ocpp.path, '/ocpp/v16', 'no trailing slash');
  assert.equal(c.ocpp.heartbeatIntervalS, 30);
  assert.equal(c.ocpp.connectionTimeoutS, 90);
  assert.deepEqual(stationSettings(c.ocpp, 'GARAGE-1'), { location: 'Garage, bay 1', pricePerKwh: 0.3, maxKw: 11 });
  assert.deepEqual(stationSettings(c.ocpp, 'OTHER'), { location: 'Depot', pricePerKwh: 0.3, maxKw: 22 });
});

test('an unknown ocpp key, a bad station id or a bad value is a config error naming the key', () => {
  rejects(['ocpp:', '  listn: 127.0.0.1:9000'], /ocpp: unknown key "listn"/);
  rejects(['ocpp:', '  stations:', '    CP1: { price: 0.3 }'], /ocpp\.stations\.CP1: unknown key "price"/);
  rejects(['ocpp:', '  stations:', '    "bad id": { max_kw: 11 }'], /ocpp\.stations.*station id is a charge point id/);
  rejects(['ocpp:', '  listen: localhost'], /ocpp\.listen: expected host:port/);
  rejects(['ocpp:', '  path: ocpp'], /ocpp\.path: expected a URL path/);
});

test('security profiles: 1 needs the keys file, 2 also TLS; TLS or keys without a profile that uses them are errors naming the key; paths are relative to the config', () => {
  const one = parse('ocpp:', '  security_profile: 1', '  authorization_keys_file: gw/keys.json');
  assert.equal(one.ocpp.securityProfile, 1);
  assert.equal(one.ocpp.authorizationKeysFile, path.resolve('gw/keys.json'));
  assert.equal(one.ocpp.tls, null);
  const two = parse('ocpp:', '  security_profile: 2', '  authorization_keys_file: k.json', '  tls: { cert_file: g.crt, key_file: g.key }');
  assert.deepEqual(two.ocpp.tls, { certFile: path.resolve('g.crt'), keyFile: path.resolve('g.key') });
  assert.equal(parse().ocpp.securityProfile, 0);
  rejects(['ocpp:', '  security_profile: 1'], /ocpp\.authorization_keys_file: security profile 1 checks each station's password.*evcharge registry ocpp-keys/);
  rejects(['ocpp:', '  security_profile: 2', '  authorization_keys_file: k.json'], /ocpp\.tls: security profile 2 is TLS/);
  rejects(['ocpp:', '  security_profile: 1', '  authorization_keys_file: k.json', '  tls: { cert_file: a, key_file: b }'], /ocpp\.tls: TLS is security profile 2/);
  rejects(['ocpp:', '  authorization_keys_file: k.json'], /ocpp\.authorization_keys_file: station passwords are security profiles 1 and 2/);
  rejects(['ocpp:', '  security_profile: 3'], /ocpp\.security_profile: expected 0 \(none\), 1 \(HTTP Basic\) or 2/);
  rejects(['ocpp:', '  security_profile: 2', '  authorization_keys_file: k.json', '  tls: { cert_file: a }'], /ocpp\.tls\.key_file/);
});
