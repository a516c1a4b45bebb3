import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error.js';

/**
 * `kafka.security`: how a role authenticates to the brokers and checks them. Absent, everything
 * is PLAINTEXT as before. A password is never in the config: it comes from a file (which may
 * name the user, so one config serves every role of a site) or an environment variable.
 */
export const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const;
export type SecurityProtocol = (typeof PROTOCOLS)[number];
export type SaslMechanism = (typeof MECHANISMS)[number];

/** Kafka principal names evcharge makes: what SCRAM user names and ACLs can hold without quoting. */
const PRINCIPAL_RE = /^[A-Za-z0-9{}][A-Za-z0-9._{}-]{0,199}$/;
const principal = z.string().regex(PRINCIPAL_RE, 'letters, digits, . _ - (and the {cp_id} / {driver_id} placeholder)');

export const DEFAULT_PRINCIPALS = { central: 'central', cp: 'cp-{cp_id}', driver: 'driver-{driver_id}', ocpp: 'ocpp-gateway', admin: 'admin' };

const principalsSchema = z
  .object({
    central: principal.default(DEFAULT_PRINCIPALS.central),
    cp: principal.includes('{cp_id}', { message: 'must contain {cp_id}: each CP is a principal of its own' }).default(DEFAULT_PRINCIPALS.cp),
    driver: principal.includes('{driver_id}', { message: 'must contain {driver_id}: each driver is a principal of its own' }).default(DEFAULT_PRINCIPALS.driver),
    /** Every OCPP gateway (`evcharge ocpp`): it speaks for each station it holds, and as each idTag's driver. */
    ocpp: principal.default(DEFAULT_PRINCIPALS.ocpp),
    /** Who `evcharge acl`, `doctor`, `sim` and `demo --kafka` connect as: they act for every role. */
    admin: principal.default(DEFAULT_PRINCIPALS.admin),
  })
  .strict()
  .default(DEFAULT_PRINCIPALS);

const isSasl = (p: SecurityProtocol) => p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';
const isTls = (p: SecurityProtocol) => p === 'SSL' || p === 'SASL_SSL';

export const securitySchema = z
  .object({
    protocol: z.enum(PROTOCOLS, { message: `required, one of ${PROTOCOLS.join(', ')}` }),
    mechanism: z.enum(MECHANISMS, { message: `one of ${MECHANISMS.join(', ')}` }).optional(),
    /** The CA that signed the brokers' certificates (PEM). Unset: the system's CAs. */
    ca_file: z.string().min(1).optional(),
    /** Unset: the role's principal (see principals). */
    username: principal.optional(),
    /** `{username}` in it is replaced by the user's name. */
    password_file: z.string().min(1).optional(),
    password_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable').optional(),
    /** Only to say why it is refused: a password in a config file ends up in backups and repositories. */
    password: z.unknown().optional(),
    principals: principalsSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: key ? [key] : [], message });
    if (s.password !== undefined) issue('password', 'a password is never written in the config: put it in a file (password_file) or an environment variable (password_env)');
    if (isSasl(s.protocol)) {
      if (s.mechanism === undefined) issue('mechanism', `required with protocol ${s.protocol}: one of ${MECHANISMS.join(', ')}`);
      if (s.password_file === undefined && s.password_env === undefined && s.password === undefined)
        issue('', `protocol ${s.protocol} needs the user's password: set password_file (a file holding it) or password_env (an environment variable holding it)`);
      if (s.password_file !== undefined && s.password_env !== undefined) issue('password_env', 'give password_file or password_env, not both');
    } else {
      for (const key of ['mechanism', 'username', 'password_file', 'password_env'] as const)
        if (s[key] !== undefined) issue(key, `only with SASL_SSL or SASL_PLAINTEXT (protocol is ${s.protocol}); remove it or change the protocol`);
    }
    if (!isTls(s.protocol) && s.ca_file !== undefined) issue('ca_file', `only with SSL or SASL_SSL (protocol is ${s.protocol}: no TLS, no certificate to check)`);
  });

export type SecurityFile = z.infer<typeof securitySchema>;
export type Principals = typeof DEFAULT_PRINCIPALS;

export interface SecurityConfig {
  protocol: SecurityProtocol;
  tls: boolean;
  sasl: { mechanism: SaslMechanism; username: string | null; passwordFile: string | null; passwordEnv: string | null } | null;
  /** Resolved against the config file's folder. */
  caFile: string | null;
  /** The CA's PEM text, read when the config is loaded. */
  ca: string | null;
  /** The config file, for messages. */
  source: string;
}

/** The section as a role uses it: paths resolved against the config's folder, the CA read. */
export function resolveSecurity(file: SecurityFile | undefined, source: string): { security: SecurityConfig | null; principals: Principals } {
  const principals = file?.principals ?? DEFAULT_PRINCIPALS;
  if (!file || file.protocol === 'PLAINTEXT') return { security: null, principals };
  const base = path.dirname(source);
  const caFile = file.ca_file === undefined ? null : path.resolve(base, file.ca_file);
  let ca: string | null = null;
  if (caFile !== null) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new ConfigError(`config ${source}: kafka.security.ca_file: cannot read ${caFile} (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : ((e as NodeJS.ErrnoException).code ?? (e as Error).message)})`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`config ${source}: kafka.security.ca_file: ${caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  const sasl = isSasl(file.protocol)
    ? {
        mechanism: file.mechanism!,
        username: file.username ?? null,
        passwordFile: file.password_file === undefined ? null : path.resolve(base, file.password_file),
        passwordEnv: file.password_env ?? null,
      }
    : null;
  return { security: { protocol: file.protocol, tls: isTls(file.protocol), sasl, caFile, ca, source }, principals };
}

/**
 * The Kafka principal of a role instance: `central`, `cp-<id>`, `driver-<id>` by default. Every
 * other command (doctor, acl, sim, demo) acts for several roles and is the admin.
 */
export function principalOf(principals: Principals, role: string, id?: string): string {
  if (role === 'central') return principals.central;
  if (role === 'cp' && id) return principals.cp.replaceAll('{cp_id}', id);
  if (role === 'driver' && id) return principals.driver.replaceAll('{driver_id}', id);
  if (role === 'ocpp') return principals.ocpp;
  return principals.admin;
}

/** Where the password comes from, for messages: `kafka.security.password_file (/x/cp-CP001.password)`. */
export function passwordSource(sasl: NonNullable<SecurityConfig['sasl']>, username: string): string {
  return sasl.passwordFile !== null
    ? `kafka.security.password_file (${sasl.passwordFile.replaceAll('{username}', username)})`
    : `kafka.security.password_env ($${sasl.passwordEnv})`;
}

/** The user's password from its file or variable; a missing one is a ConfigError naming the key. */
export function readPassword(security: SecurityConfig, username: string, env: NodeJS.ProcessEnv = process.env): string {
  const sasl = security.sasl!;
  const where = `config ${security.source}: `;
  if (sasl.passwordFile !== null) {
    const file = sasl.passwordFile.replaceAll('{username}', username);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ConfigError(
        `${where}kafka.security.password_file: cannot read the password of user ${username} from ${file} (${code === 'ENOENT' ? 'file not found' : (code ?? (e as Error).message)})` +
          (code === 'ENOENT' ? `; create the user and its file (local cluster: node scripts/kafka.mjs user add ${username})` : ''),
      );
    }
    const password = text.replace(/\r?\n$/, '');
    if (!password) throw new ConfigError(`${where}kafka.security.password_file: ${file} is empty; it must hold the password of user ${username}`);
    return password;
  }
  const value = env[sasl.passwordEnv!];
  if (!value) throw new ConfigError(`${where}kafka.security.password_env: the environment variable ${sasl.passwordEnv} is not set; it must hold the password of user ${username}`);
  return value;
}
