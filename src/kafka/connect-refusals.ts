import { ConfigError } from '../config/load-config.js';
import type { EvchargeConfig } from '../config/schema.js';
import { passwordSource } from '../config/security.js';

/**
 * A connection the brokers (or the TLS check of them) refuse for good, as a message that says
 * which setting to fix: no retry can make a wrong password or an untrusted certificate work.
 * null for anything else (a broker away, a timeout), which the caller waits out as before.
 */
export function connectRefusal(error: unknown, config: EvchargeConfig, username: string | null): ConfigError | null {
  const security = config.security;
  const chain = errorChain(error);
  const listener = `${security?.protocol ?? 'PLAINTEXT'} listener at ${config.brokers.join(', ')}`;
  // kafkajs's, or the doctor's own probe's.
  const sasl = chain.find((e) => e.name === 'KafkaJSSASLAuthenticationError' || e.name === 'SaslAuthenticationError');
  if (sasl && security?.sasl) {
    const mechanism = security.sasl.mechanism;
    if (/not supported by the server/i.test(sasl.message))
      return new ConfigError(
        `the brokers (the ${listener}) do not offer SASL mechanism ${mechanism}: set kafka.security.mechanism in ${config.source} to one the cluster enables (sasl.enabled.mechanisms)`,
      );
    const user = username ?? '?';
    return new ConfigError(
      `the brokers refused user ${user} (${mechanism} on the ${listener}): wrong password, or no such user. ` +
        `The password came from ${passwordSource(security.sasl, user)}: fix it there, or create the user on the cluster ` +
        `(local cluster: node scripts/kafka.mjs user add ${user})`,
    );
  }
  const tls = chain.find((e) => typeof e.code === 'string' && TLS_TRUST_CODES.has(e.code));
  if (tls) {
    const ca = security?.caFile ? `kafka.security.ca_file (${security.caFile})` : 'the system CAs (kafka.security.ca_file is unset)';
    if (tls.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
      return new ConfigError(
        `TLS: the broker's certificate does not name the address it was reached at (${config.brokers.join(', ')}): ${tls.message}. ` +
          'Use the host name or address the certificate was made for in kafka.bootstrap_servers, or make the brokers a certificate that names it',
      );
    return new ConfigError(
      `TLS: the brokers' certificate at ${config.brokers.join(', ')} is not trusted by ${ca}: ${stripPrefix(tls.message)} (${tls.code}). ` +
        `Point kafka.security.ca_file in ${config.source} at the CA that signed the brokers' certificates (the local cluster's: secure/ca.pem in its Kafka home, .kafka/ by default)`,
    );
  }
  if (security?.tls && chain.some((e) => /wrong version number|packet length too long|unknown protocol|EPROTO/i.test(`${e.code ?? ''} ${e.message}`)))
    return new ConfigError(
      `TLS: the brokers at ${config.brokers.join(', ')} do not answer in TLS (kafka.security.protocol is ${security.protocol}): ` +
        'the address is a PLAINTEXT listener, or the protocol is wrong; use the cluster\'s TLS listener or the protocol it speaks',
    );
  return null;
}

/** Node's codes for a certificate that cannot be trusted (openssl's verify errors, and the host check). */
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

type Link = Error & { code?: unknown };

/** The error and everything it wraps (kafkajs keeps the cause as `cause` or `originalError`). */
export function errorChain(error: unknown): Link[] {
  const out: Link[] = [];
  for (let e = error as (Link & { cause?: unknown; originalError?: unknown }) | undefined; e && out.length < 8; ) {
    if (!(e instanceof Error)) break;
    out.push(e);
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return out;
}

const stripPrefix = (message: string) => message.replace(/^Connection error: /, '');
