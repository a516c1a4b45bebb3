import type { SASLOptions } from 'kafkajs';
import type { EvchargeConfig } from '../config/schema.js';
import { principalOf, readPassword } from '../config/security.js';
import type { ClientIdentity } from './kafka-client.js';

export interface ClientSecurity {
  ssl?: { ca: string[] } | true;
  sasl?: SASLOptions;
  /** The SASL user, for messages; null without SASL. */
  username: string | null;
}

const MECHANISM: Record<string, 'scram-sha-512' | 'scram-sha-256' | 'plain'> = {
  'SCRAM-SHA-512': 'scram-sha-512',
  'SCRAM-SHA-256': 'scram-sha-256',
  PLAIN: 'plain',
};

/** The SASL user a role instance connects as: the config's username, else its principal. */
export function usernameOf(config: EvchargeConfig, who: ClientIdentity): string | null {
  const sasl = config.security?.sasl;
  if (!sasl) return null;
  return sasl.username ?? principalOf(config.principals, who.role, who.id);
}

/**
 * kafkajs's `ssl` and `sasl` options from `kafka.security`: nothing without it (PLAINTEXT as
 * before). With TLS and no CA file Node checks the brokers against the system's CAs. The password
 * is read here, for each client, so a file replaced meanwhile is read again on the next start.
 */
export function clientSecurity(config: EvchargeConfig, who: ClientIdentity): ClientSecurity {
  const security = config.security;
  if (!security) return { username: null };
  const username = usernameOf(config, who);
  return {
    ...(security.tls && { ssl: security.ca !== null ? { ca: [security.ca] } : (true as const) }),
    ...(security.sasl && username !== null && { sasl: { mechanism: MECHANISM[security.sasl.mechanism]!, username, password: readPassword(security, username) } as SASLOptions }),
    username,
  };
}
