// The secure local cluster's material and broker settings, for scripts/kafka.mjs `up --secure`.
//
// Clients reach the brokers on one SASL_SSL listener (SCRAM-SHA-512). Brokers talk to each other
// on that same listener as the SCRAM user `broker`, created with the admin at format time (KIP-900:
// a KRaft broker can use SCRAM between brokers only when the credential is in the bootstrap
// metadata). The controller listener cannot use SCRAM (controllers read SCRAM credentials from the
// metadata they serve), so it is SSL with client certificates required: only a holder of the
// broker key (CN=evcharge-broker) can join the quorum. Nothing there is PLAINTEXT, so no principal
// is ANONYMOUS, and ANONYMOUS need not be a super user (which would hand everything to any local
// process that connected to a PLAINTEXT port).
//
// Everything secret is made here at format time, under <home>/secure/ (git-ignored with .kafka/):
//   ca.pem, ca.key            the local CA (the key stays for certificates made later)
//   broker-keystore.pem       the brokers' key and certificate (SAN 127.0.0.1, localhost)
//   users/<name>.password     one SCRAM user's password (mode 0600)
//   admin.properties          a client config for Kafka's own tools, as the admin
//   kafka_config.yaml         an evcharge config for this cluster, with the security section
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export const MECHANISM = 'SCRAM-SHA-512';
/** The brokers' certificate subject: the principal the controllers see, so a super user. */
export const BROKER_CERT_PRINCIPAL = 'User:CN=evcharge-broker';
/** The users made at format time besides the ones asked for: the admin, and the brokers' own. */
export const ADMIN_USER = 'admin';
export const BROKER_USER = 'broker';
/** The users `up --secure` makes for the README's quick start (`--users` replaces them). */
export const DEFAULT_ROLE_USERS = ['central', 'cp-CP001', 'driver-DRIVER001'];

// SCRAM user names are Kafka principals; keep them to what evcharge's ids and templates produce.
const USER_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
export const validUser = (name) => USER_RE.test(name ?? '');

export const secureDir = (home) => path.join(home, 'secure');
export const passwordFile = (home, user) => path.join(secureDir(home), 'users', `${user}.password`);
export const adminProperties = (home) => path.join(secureDir(home), 'admin.properties');
export const caFile = (home) => path.join(secureDir(home), 'ca.pem');
export const evchargeConfigFile = (home) => path.join(secureDir(home), 'kafka_config.yaml');
const keystoreFile = (home) => path.join(secureDir(home), 'broker-keystore.pem');

/** A random password: hex, so it needs no quoting in JAAS, properties or SCRAM's key=value lists. */
const newPassword = () => randomBytes(24).toString('hex');

function writeSecret(file, text) {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export const readPassword = (home, user) => readFileSync(passwordFile(home, user), 'utf8').trim();

function openssl(args, die) {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error) die(`cannot run openssl (${r.error.message}): the secure cluster makes its CA and certificates with it; install openssl`, 2);
  if (r.status !== 0) die(`openssl ${args[0]} failed:\n${r.stderr}`);
}

/**
 * A fresh CA and broker certificate, the admin's and the brokers' passwords, and one password per
 * role user. Replaces whatever an earlier format left (its cluster is gone with its data).
 */
export function makeSecureMaterial(home, roleUsers, die) {
  const dir = secureDir(home);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'evcharge-ca-'));
  try {
    const days = '825';
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'ca.key'), '-out', caFile(home), '-days', days,
      '-subj', '/CN=evcharge-local-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], die);
    chmodSync(path.join(dir, 'ca.key'), 0o600);
    const key = path.join(tmp, 'broker.key');
    const csr = path.join(tmp, 'broker.csr');
    const crt = path.join(tmp, 'broker.crt');
    const ext = path.join(tmp, 'ext.cnf');
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=evcharge-broker'], die);
    // Server and client use: the same certificate serves clients and authenticates a broker to the controllers.
    writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n');
    openssl(['x509', '-req', '-in', csr, '-CA', caFile(home), '-CAkey', path.join(dir, 'ca.key'), '-CAcreateserial', '-CAserial', path.join(tmp, 'ca.srl'),
      '-out', crt, '-days', days, '-extfile', ext], die);
    // Kafka's PEM keystore: the PKCS#8 key, then the certificate chain.
    writeSecret(keystoreFile(home), readFileSync(key, 'utf8') + readFileSync(crt, 'utf8'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const user of [ADMIN_USER, BROKER_USER, ...roleUsers]) writeSecret(passwordFile(home, user), newPassword() + '\n');
  writeSecret(
    adminProperties(home),
    [
      'security.protocol=SASL_SSL',
      `sasl.mechanism=${MECHANISM}`,
      `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${ADMIN_USER}" password="${readPassword(home, ADMIN_USER)}";`,
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${caFile(home)}`,
      '',
    ].join('\n'),
  );
}

/** StorageTool arguments that create the SCRAM users with the cluster (admin, brokers, `roleUsers`). */
export function formatScramArgs(home, roleUsers) {
  return [ADMIN_USER, BROKER_USER, ...roleUsers].flatMap((user) => ['--add-scram', `${MECHANISM}=[name=${user},password=${readPassword(home, user)}]`]);
}

/**
 * Broker settings of a secure node: the client listener SASL_SSL, the controller listener SSL
 * with client certificates, KRaft's StandardAuthorizer denying whatever no ACL allows.
 */
export function secureNodeProps(home, { brokerPort, controllerPort }) {
  return {
    listeners: `SASL_SSL://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `SASL_SSL://127.0.0.1:${brokerPort}`,
    'inter.broker.listener.name': 'SASL_SSL',
    'listener.security.protocol.map': 'SASL_SSL:SASL_SSL,CONTROLLER:SSL',
    'sasl.enabled.mechanisms': MECHANISM,
    'sasl.mechanism.inter.broker.protocol': MECHANISM,
    [`listener.name.sasl_ssl.${MECHANISM.toLowerCase()}.sasl.jaas.config`]:
      `org.apache.kafka.common.security.scram.ScramLoginModule required username="${BROKER_USER}" password="${readPassword(home, BROKER_USER)}";`,
    'listener.name.controller.ssl.client.auth': 'required',
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': keystoreFile(home),
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': caFile(home),
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': false,
    'super.users': [`User:${ADMIN_USER}`, `User:${BROKER_USER}`, BROKER_CERT_PRINCIPAL].join(';'),
  };
}

/** kafkajs options for this script's own admin client on a secure cluster. */
export function adminClientOptions(home) {
  return {
    ssl: { ca: [readFileSync(caFile(home), 'utf8')] },
    sasl: { mechanism: MECHANISM.toLowerCase(), username: ADMIN_USER, password: readPassword(home, ADMIN_USER) },
  };
}

/**
 * An evcharge config for this cluster: the shipped one for its size (1 node: kafka_config.yaml,
 * 3: kafka_config.cluster.yaml) with its brokers and a security section. Each role's password is
 * read from users/<its principal>.password, so one file serves every role.
 */
export function writeEvchargeConfig(home, root, { nodes, brokers }) {
  const shipped = readFileSync(path.join(root, nodes >= 3 ? 'kafka_config.cluster.yaml' : 'kafka_config.yaml'), 'utf8');
  const list = brokers.map((b) => `    - "${b}"`).join('\n');
  const security = [
    '  # Written by scripts/kafka.mjs up --secure for this cluster; every file it names is under this folder.',
    '  security:',
    '    protocol: SASL_SSL',
    `    mechanism: ${MECHANISM}`,
    `    ca_file: "${caFile(home)}"`,
    `    password_file: "${path.join(secureDir(home), 'users', '{username}.password')}"`,
  ].join('\n');
  const text = shipped
    .replace(/^# .*\n(?:# .*\n)*/, `# evcharge on the secure local cluster (${nodes} node${nodes > 1 ? 's' : ''}), written by scripts/kafka.mjs up --secure.\n`)
    .replace(/^  bootstrap_servers:\n(?:    - .*\n)+/m, `  bootstrap_servers:\n${list}\n${security}\n`);
  writeFileSync(evchargeConfigFile(home), text);
}

/**
 * Adds (or gives a new password to) SCRAM users on the running cluster with Kafka's own
 * kafka-configs, as the admin. The password goes in a file of this user's alone, never on a
 * command line that `ps` shows.
 */
export function addUsers(home, users, { java, bootstrap, die }) {
  const made = [];
  for (const user of users) {
    if (!validUser(user)) die(`"${user}" is not a user name evcharge makes (letters, digits, . _ -; e.g. cp-CP001)`, 2);
    const file = passwordFile(home, user);
    const password = existsSync(file) ? readPassword(home, user) : newPassword();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'evcharge-scram-'));
    const add = path.join(tmp, 'add.properties');
    try {
      writeSecret(add, `${MECHANISM}=password=${password}\n`);
      const r = java('org.apache.kafka.tools.ConfigCommand', [
        '--bootstrap-server', bootstrap, '--command-config', adminProperties(home),
        '--alter', '--entity-type', 'users', '--entity-name', user, '--add-config-file', add,
      ]);
      if (r.status !== 0) die(`kafka-configs could not add user ${user}:\n${r.stdout ?? ''}${r.stderr ?? ''}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    writeSecret(file, password + '\n');
    made.push({ user, file });
  }
  return made;
}
