import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { EvchargeConfig } from '../../config/schema.js';
import { groupFor } from '../../config/load-config.js';
import { ocppGroupPrefix } from '../../config/acl-plan.js';
import { normalisePath, stationSettings } from '../../config/ocpp-config.js';
import { parseListen } from '../../ocpp/mapping.js';
import { StationPasswords } from '../../ocpp/authorization-keys.js';
import { startGateway } from '../../ocpp/gateway.js';
import type { GatewayOptions } from '../../ocpp/types.js';
import type { CommonArgs } from '../common-args.js';
import { connectRole } from '../connect-role.js';
import { eventPrinter } from '../event-printer.js';
import { Shutdown } from '../shutdown.js';
import { UsageError } from '../usage-error.js';
import { topicEnds } from '../../kafka/topic-ends.js';

/** `--listen` over `ocpp.listen`, `--path` over `ocpp.path`; checked before anything touches Kafka. */
export function gatewayAddress(config: EvchargeConfig, argv: CommonArgs): { host: string; port: number; path: string } {
  const fromFlag = argv['listen'] !== undefined;
  const listen = parseListen(fromFlag ? String(argv['listen']) : config.ocpp.listen);
  if (typeof listen === 'string') {
    throw new UsageError(fromFlag ? `--listen: ${listen}` : `config ${config.source}: ocpp.listen: ${listen}`);
  }
  const rawPath = argv['path'] === undefined ? config.ocpp.path : String(argv['path']);
  if (!/^\/?[A-Za-z0-9._~/-]*$/.test(rawPath)) throw new UsageError(`--path: expected a URL path such as /ocpp, got "${rawPath}"`);
  return { ...listen, path: normalisePath(rawPath) };
}

/** Security profiles 1 and 2 from the config: every file read now, so a bad one exits 2 before Kafka. */
export function gatewaySecurity(config: EvchargeConfig): NonNullable<GatewayOptions['security']> {
  const { securityProfile, authorizationKeysFile, tls } = config.ocpp;
  if (securityProfile === 0) return { passwords: null, tls: null };
  const passwords = new StationPasswords(authorizationKeysFile!);
  try {
    passwords.load();
  } catch (e) {
    throw new UsageError(`config ${config.source}: ocpp.authorization_keys_file: ${(e as Error).message}; write it with \`evcharge registry ocpp-keys --out ${authorizationKeysFile}\` on central's machine`);
  }
  if (!tls) return { passwords, tls: null };
  const pem = (key: 'cert_file' | 'key_file', file: string, marker: RegExp): Buffer => {
    let b: Buffer;
    try {
      b = readFileSync(file);
    } catch (e) {
      throw new UsageError(`config ${config.source}: ocpp.tls.${key}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (!marker.test(b.toString('latin1'))) throw new UsageError(`config ${config.source}: ocpp.tls.${key}: ${file} is not PEM (no ${marker.source.replace(/\\/g, '')} block)`);
    return b;
  };
  const material = { cert: pem('cert_file', tls.certFile, /-----BEGIN CERTIFICATE-----/), key: pem('key_file', tls.keyFile, /-----BEGIN [A-Z ]*PRIVATE KEY-----/) };
  try {
    createSecureContext(material);
  } catch (e) {
    throw new UsageError(`config ${config.source}: ocpp.tls: ${tls.keyFile} and ${tls.certFile} do not make a TLS server (${(e as Error).message}); give the key that goes with the certificate`);
  }
  return { passwords, tls: material };
}

/**
 * `evcharge ocpp`: the OCPP 1.6J gateway, headless (one line or JSON object per event). It runs
 * until SIGINT/SIGTERM; each connected station is a CP of its own on the gateway's one bus.
 */
export async function runOcppGateway(config: EvchargeConfig, argv: CommonArgs): Promise<number> {
  const address = gatewayAddress(config, argv);
  if (config.records.protection !== 'off') {
    throw new UsageError(`config ${config.source}: security.records is ${config.records.protection}, which the OCPP gateway does not support yet; run it against a network with security.records: off`);
  }
  const security = gatewaySecurity(config);
  const print = eventPrinter(argv.json);
  const shutdown = new Shutdown();
  const { bus } = await connectRole(config, { role: 'ocpp' }, print);
  let gateway;
  try {
    gateway = await startGateway({
      bus,
      group: `${ocppGroupPrefix(config)}${randomBytes(4).toString('hex')}`,
      cpGroup: (id) => groupFor(config, 'cp', id),
      ...address,
      heartbeatIntervalS: config.ocpp.heartbeatIntervalS,
      connectionTimeoutMs: config.ocpp.connectionTimeoutS * 1000,
      offlineGraceMs: config.ocpp.offlineGraceS * 1000,
      settings: (id) => stationSettings(config.ocpp, id),
      answerTimeoutMs: config.driverAnswerTimeoutMs,
      onEvent: print,
      security,
      transactionsEnd: () => topicEnds(config, { role: 'ocpp' }, 'ocpp-transactions'),
    });
  } catch (e) {
    await bus.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const key = argv['listen'] !== undefined ? '--listen' : `config ${config.source}: ocpp.listen`;
      throw new UsageError(`${key} ${address.host}:${address.port}: cannot listen there (${code}); pick another address or port (--listen, or ocpp.listen in the config)`);
    }
    throw e;
  }
  await shutdown.requested;
  await gateway.close();
  await bus.close();
  shutdown.dispose();
  return 0;
}
