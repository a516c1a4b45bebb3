#!/usr/bin/env node
// A local Apache Kafka in KRaft mode (no ZooKeeper), for development and tests.
//
//   node scripts/kafka.mjs up [--nodes 1|3]   start one node (or a three-node quorum), wait, print brokers
//        [--secure [--users a,b,...]]         SASL_SSL + SCRAM + ACLs (see kafka-secure.mjs); users made at format
//   node scripts/kafka.mjs user add NAME...   add SCRAM users to the running secure cluster (kafka-configs)
//   node scripts/kafka.mjs down               stop every node cleanly
//   node scripts/kafka.mjs status             which nodes are up
//   node scripts/kafka.mjs stop-node N        stop node N (SIGTERM, controlled shutdown), data kept
//   node scripts/kafka.mjs kill-node N        kill -9 node N (failure tests)
//   node scripts/kafka.mjs start-node N       start node N again without reformatting
//   node scripts/kafka.mjs tool NAME ARGS...  run one of Kafka's own tools (topics, consumer-groups, ...)
//
// One node of a multi-host cluster (one node per machine, each bound to its machine's address):
//   node scripts/kafka.mjs node cluster-id    print a fresh cluster id (every node of one cluster is formatted with the same)
//   node scripts/kafka.mjs node up --id N --address ADDR --quorum 1@ADDR1,2@ADDR2,3@ADDR3 --cluster-id ID
//        [--port 9092] [--controller-port 9093] [--home DIR] [--no-wait] [--wait-seconds 120]
//                                             format DIR (first time), start the node detached, wait until it
//                                             is registered with the cluster; again later: restart, no reformat
//   node scripts/kafka.mjs node down|kill|status [--home DIR]
// The node's home (default .kafka/host-node) holds node.json (its shape), properties, data and logs.
//
// Everything lives under .kafka/ (git-ignored): lib/ holds the jars Maven fetches from kafka/pom.xml,
// node-N/ holds each node's properties, data and logs, cluster.json remembers the cluster's shape.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, openSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as secure from './kafka-secure.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOME = process.env.EVCHARGE_KAFKA_HOME ?? path.join(ROOT, '.kafka');
const LIB = path.join(HOME, 'lib');
const STATE = path.join(HOME, 'cluster.json');

// Ports: node N serves clients on 9091+N and its controller on 19091+N. EVCHARGE_KAFKA_PORT moves
// the first broker (with EVCHARGE_KAFKA_HOME, a second cluster can run beside the first).
// A formatted cluster remembers its ports, so later commands need only EVCHARGE_KAFKA_HOME.
const BASE_PORT = Number(
  process.env.EVCHARGE_KAFKA_PORT ?? (existsSync(STATE) ? JSON.parse(readFileSync(STATE, 'utf8')).basePort : undefined) ?? 9092,
);
const brokerPort = (n) => BASE_PORT - 1 + n;
const controllerPort = (n) => BASE_PORT + 9999 + n;
// Modest heap: the machine has 2 cores and a three-node cluster must fit beside the tests.
const HEAP = process.env.EVCHARGE_KAFKA_HEAP ?? '-Xms128m -Xmx512m';
const START_TIMEOUT_MS = 90_000;

const TOOLS = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  'consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  configs: 'org.apache.kafka.tools.ConfigCommand',
  'metadata-quorum': 'org.apache.kafka.tools.MetadataQuorumCommand',
  'broker-api-versions': 'org.apache.kafka.tools.BrokerApiVersionsCommand',
  'console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  'get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
  'log-dirs': 'org.apache.kafka.tools.LogDirsCommand',
  storage: 'kafka.tools.StorageTool',
  acls: 'org.apache.kafka.tools.AclCommand',
};
// The tools that take an admin client config; on a secure cluster they get the admin's.
const COMMAND_CONFIG_TOOLS = new Set(['topics', 'consumer-groups', 'configs', 'metadata-quorum', 'broker-api-versions', 'get-offsets', 'log-dirs', 'acls', 'console-consumer', 'console-producer']);

const say = (msg) => console.log(`[kafka] ${msg}`);
const die = (msg, code = 1) => {
  console.error(`[kafka] ${msg}`);
  process.exit(code);
};

function ensureJars() {
  if (existsSync(LIB) && readdirSync(LIB).some((f) => f.startsWith('kafka_2.13-'))) return;
  say('fetching Apache Kafka from Maven Central (mvn dependency:copy-dependencies)...');
  const r = spawnSync(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', path.join(ROOT, 'kafka/pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${LIB}`, '-DincludeScope=runtime'],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  // Maven 3.8 writes colour resets even in batch mode; a log or a pipe should not see raw escapes.
  const plain = (text) => (text ?? '').replace(/\u001b\[[0-9;]*m/g, '');
  process.stdout.write(plain(r.stdout));
  process.stderr.write(plain(r.stderr));
  if (r.error) die(`cannot run mvn (${r.error.message}); install Java 17+ and Maven`);
  if (r.status !== 0) die('mvn failed to fetch Kafka; see the output above');
}

const classpath = () => path.join(LIB, '*');
const nodeDir = (n) => path.join(HOME, `node-${n}`);
const pidFile = (n) => path.join(nodeDir(n), 'kafka.pid');
const readState = () => (existsSync(STATE) ? JSON.parse(readFileSync(STATE, 'utf8')) : null);

/** Node n's pid, or null; never a recycled pid of another program (see nodePid). */
function pidOf(n) {
  return nodePid(nodeDir(n));
}

/** A fresh KRaft cluster id: 16 random bytes, base64url (Kafka's Uuid form); never starting with '-', which tools would take for an option. */
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
const validClusterId = (id) => /^[A-Za-z0-9_-]{22}$/.test(id) && !id.startsWith('-') && Buffer.from(id, 'base64url').length === 16;

// Settings every node of every cluster this script makes gets, loopback or multi-host.
// Tuned for tests: groups form at once, small segments, quicker failure detection (a killed
// broker is fenced after 6 s instead of 9, so its partitions get new leaders sooner; 3 s
// fenced live brokers of a loaded two-core machine).
function commonProps() {
  return {
    'group.initial.rebalance.delay.ms': 0,
    // Central's leader election runs on a consumer group with a short session (a dead central's
    // lease moves on quickly); brokers refuse a session below this minimum (Kafka's default 6000).
    'group.min.session.timeout.ms': 500,
    'broker.session.timeout.ms': 6000,
    'broker.heartbeat.interval.ms': 1000,
    // A transaction left open by a cluster outage can be stuck in the coordinator until its
    // timeout passes and this scan ends it (10 s by default): central's takeover waits for it.
    'transaction.abort.timed.out.transaction.cleanup.interval.ms': 1000,
    'auto.create.topics.enable': false,
    'log.segment.bytes': 16 * 1024 * 1024,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'unclean.leader.election.enable': false,
  };
}

/** Internal topics' replication for a cluster of `nodes`: RF up to 3, min ISR up to 2. */
function internalReplicationProps(nodes) {
  const rf = Math.min(nodes, 3);
  return {
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': Math.min(rf, 2),
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': Math.min(rf, 2),
  };
}

function writeProps(dir, props) {
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const text = Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  writeFileSync(path.join(dir, 'server.properties'), text);
  writeFileSync(
    path.join(dir, 'log4j2.properties'),
    [
      'status = warn',
      'appender.file.type = File',
      'appender.file.name = FILE',
      `appender.file.fileName = ${path.join(dir, 'logs', 'server.log')}`,
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.file.ref = FILE',
      'logger.kafka.name = kafka',
      'logger.kafka.level = INFO',
      'logger.state.name = state.change.logger',
      'logger.state.level = WARN',
      '',
    ].join('\n'),
  );
}

function writeNodeConfig(n, nodes, isSecure = false) {
  const dir = nodeDir(n);
  const voters = Array.from({ length: nodes }, (_, i) => `${i + 1}@127.0.0.1:${controllerPort(i + 1)}`).join(',');
  writeProps(dir, {
    'process.roles': 'broker,controller',
    'node.id': n,
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://127.0.0.1:${brokerPort(n)},CONTROLLER://127.0.0.1:${controllerPort(n)}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${brokerPort(n)}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(dir, 'data'),
    'num.partitions': 1,
    ...internalReplicationProps(nodes),
    ...commonProps(),
    ...(isSecure && secure.secureNodeProps(HOME, { brokerPort: brokerPort(n), controllerPort: controllerPort(n) })),
  });
}

function javaArgs(dir, mainClass, args) {
  return [
    ...HEAP.split(' '),
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(dir, 'log4j2.properties')}`,
    '-cp',
    classpath(),
    mainClass,
    ...args,
  ];
}

function format(nodes, isSecure = false, roleUsers = []) {
  const clusterId = newClusterId();
  for (const entry of existsSync(HOME) ? readdirSync(HOME) : []) {
    if (entry.startsWith('node-') || entry === 'cluster.json' || entry === 'secure') rmSync(path.join(HOME, entry), { recursive: true, force: true });
  }
  ensureJars();
  if (isSecure) secure.makeSecureMaterial(HOME, roleUsers, die);
  // SCRAM users in the bootstrap metadata: the brokers' own must exist before any broker talks to another.
  const scram = isSecure ? secure.formatScramArgs(HOME, roleUsers) : [];
  for (let n = 1; n <= nodes; n++) {
    writeNodeConfig(n, nodes, isSecure);
    const r = spawnSync('java', javaArgs(nodeDir(n), 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', path.join(nodeDir(n), 'server.properties'), ...scram]), {
      encoding: 'utf8',
    });
    // Not the tool's output on success: it lists the SCRAM records it wrote.
    if (r.status !== 0) die(`formatting node ${n} failed:\n${r.stdout}${r.stderr}`);
  }
  writeFileSync(STATE, JSON.stringify({ nodes, clusterId, basePort: BASE_PORT, secure: isSecure }, null, 2));
  if (isSecure) secure.writeEvchargeConfig(HOME, ROOT, { nodes, brokers: range(nodes).map((n) => `127.0.0.1:${brokerPort(n)}`) });
  say(`formatted a ${nodes}-node KRaft cluster (${clusterId})${isSecure ? `, secure: SASL_SSL ${secure.MECHANISM}, ACLs on` : ''}`);
}

function startNode(n) {
  if (pidOf(n)) return say(`node ${n} already up (pid ${pidOf(n)})`);
  // Written again at every start (same shape, ports and data), so a cluster formatted by an
  // older version of this script picks up settings added since (group.min.session.timeout.ms).
  writeNodeConfig(n, readState()?.nodes ?? n, readState()?.secure === true);
  const out = openSync(path.join(nodeDir(n), 'logs', 'stdout.log'), 'a');
  const child = spawn('java', javaArgs(nodeDir(n), 'kafka.Kafka', [path.join(nodeDir(n), 'server.properties')]), {
    detached: true,
    stdio: ['ignore', out, out],
  });
  writeFileSync(pidFile(n), String(child.pid));
  child.unref();
  say(`node ${n} starting (pid ${child.pid}), broker 127.0.0.1:${brokerPort(n)}, log ${path.relative(ROOT, path.join(nodeDir(n), 'logs', 'server.log'))}`);
}

async function stopNode(n, signal = 'SIGTERM', patienceMs = 60_000) {
  const pid = pidOf(n);
  if (!pid) return say(`node ${n} is not running`);
  process.kill(pid, signal);
  const deadline = Date.now() + patienceMs;
  while (pidOf(n) && Date.now() < deadline) await sleep(200);
  if (pidOf(n)) {
    say(`node ${n} did not stop in ${Math.round(patienceMs / 1000)} s; killing it`);
    process.kill(pid, 'SIGKILL');
    while (pidOf(n)) await sleep(100);
  }
  rmSync(pidFile(n), { force: true });
  say(`node ${n} ${signal === 'SIGKILL' ? 'killed' : 'stopped'}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function portOpen(port, host = '127.0.0.1', timeoutMs = 2000) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: timeoutMs });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('timeout', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(false));
  });
}

/**
 * Waits until every target's broker port is open and a metadata request through them shows the
 * cluster as `ready(described)` wants it (and has a controller). Targets: [{host, port, alive(),
 * exitedHint}]; a target whose process died ends the wait at once. Resolves to the targets' host:port.
 */
async function waitForBrokers(targets, ready, { timeoutMs = START_TIMEOUT_MS, logHint, onWaiting, what = 'cluster', client = {} } = {}) {
  const { Kafka, logLevel } = await import('kafkajs');
  const brokers = targets.map((t) => `${t.host}:${t.port}`);
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    for (const t of targets) if (!t.alive()) die(t.exitedHint);
    if ((await Promise.all(targets.map((t) => portOpen(t.port, t.host)))).every(Boolean)) {
      const admin = new Kafka({ clientId: 'kafka-script', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, ...client }).admin();
      try {
        await admin.connect();
        const described = await admin.describeCluster().catch((e) => e);
        // kafkajs fails describeCluster when any partition of any topic has no leader (a topic
        // with RF 1 on a stopped node): the brokers still answered, which is what we wait for.
        if (described instanceof Error) {
          if (/no leader|leadership election/i.test(described.message)) return brokers;
          throw described;
        }
        const { controller } = described;
        const verdict = ready(described);
        if (verdict === true && controller !== null && controller !== -1) return brokers;
        lastError = typeof verdict === 'string' ? verdict : 'no controller yet';
      } catch (e) {
        lastError = e.message;
      } finally {
        await admin.disconnect().catch(() => {});
      }
    } else onWaiting?.();
    await sleep(500);
  }
  die(`${what} did not answer within ${Math.round(timeoutMs / 1000)} s (${lastError}); see ${logHint}`);
}

// Up means: every running node's broker answers a metadata request and the cluster reports them all.
async function waitForCluster(expected) {
  return waitForBrokers(
    expected.map((n) => ({
      host: '127.0.0.1',
      port: brokerPort(n),
      alive: () => Boolean(pidOf(n)),
      exitedHint: `node ${n} exited during start-up; see .kafka/node-${n}/logs/server.log and stdout.log`,
    })),
    ({ brokers: seen }) => seen.length >= expected.length || `${seen.length}/${expected.length} brokers registered`,
    { logHint: '.kafka/node-*/logs/server.log', client: readState()?.secure ? secure.adminClientOptions(HOME) : {} },
  );
}

function nodeArg(arg, state) {
  const n = Number(arg);
  if (!state) die('no cluster has been formatted; run `npm run kafka:up` first', 2);
  if (!Number.isInteger(n) || n < 1 || n > state.nodes) die(`node must be 1..${state.nodes}, got "${arg ?? ''}"`, 2);
  return n;
}

const range = (nodes) => Array.from({ length: nodes }, (_, i) => i + 1);

const UP_USAGE = 'usage: kafka.mjs up [--nodes 1|3] [--secure [--users NAME,NAME,...]]';

async function up(argv) {
  const o = parseOptions(argv, { flags: ['secure'], values: ['nodes', 'users'] }, UP_USAGE);
  const nodes = o.nodes === undefined ? 1 : Number(o.nodes);
  if (![1, 3].includes(nodes)) die(`--nodes must be 1 or 3, got "${o.nodes}"`, 2);
  const isSecure = o.secure === true;
  if (o.users !== undefined && !isSecure) die('--users needs --secure (only the secure cluster has users)', 2);
  const users = o.users === undefined ? secure.DEFAULT_ROLE_USERS : o.users.split(',').map((u) => u.trim()).filter(Boolean);
  const bad = users.find((u) => !secure.validUser(u) || u === secure.ADMIN_USER || u === secure.BROKER_USER);
  if (bad !== undefined) die(`--users: "${bad}" is not a role user name (letters, digits, . _ -; not admin or broker, which are always made)`, 2);
  let state = readState();
  const running = state ? range(state.nodes).filter((n) => pidOf(n)) : [];
  const shape = (s) => `${s.nodes}-node${s.secure ? ' secure' : ''}`;
  if (state && (state.nodes !== nodes || (state.secure === true) !== isSecure)) {
    if (running.length) die(`a ${shape(state)} cluster is running; run \`npm run kafka:down\` first`, 2);
    state = null;
  }
  const started = Date.now();
  if (!state) format(nodes, isSecure, users);
  else ensureJars();
  for (const n of range(nodes)) {
    for (const port of isSecure ? [brokerPort(n), controllerPort(n)] : [brokerPort(n)]) {
      const busy = !pidOf(n) && (await portOpen(port));
      if (busy) die(`port ${port} is taken by another process; stop it or point EVCHARGE_BROKERS at it`, 2);
    }
  }
  range(nodes).forEach(startNode);
  const brokers = await waitForCluster(range(nodes));
  say(`up: ${nodes} node${nodes > 1 ? 's' : ''}${isSecure ? ' (secure)' : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`bootstrap servers: ${brokers.join(',')}`);
  if (isSecure) {
    console.log(`security: SASL_SSL ${secure.MECHANISM}, ACLs on (StandardAuthorizer, nothing allowed without an ACL)`);
    console.log(`CA: ${secure.caFile(HOME)}`);
    console.log(`evcharge config: ${secure.evchargeConfigFile(HOME)}`);
    console.log(`admin client config (Kafka's tools): ${secure.adminProperties(HOME)}`);
    console.log(`users' passwords: ${path.dirname(secure.passwordFile(HOME, 'x'))}/ (${readdirSync(path.dirname(secure.passwordFile(HOME, 'x'))).map((f) => f.replace(/\.password$/, '')).join(', ')})`);
  }
}

/** `user add NAME...`: SCRAM users for more role instances on the running secure cluster. */
function user(argv) {
  const [sub, ...names] = argv;
  const state = readState();
  if (sub !== 'add' || names.length === 0) die('usage: kafka.mjs user add NAME [NAME...]   (e.g. cp-CP002 driver-DRIVER002)', 2);
  if (!state?.secure) die('no secure cluster here: start one with `npm run kafka:up -- --secure`', 2);
  ensureJars();
  const bootstrap = range(state.nodes).map((n) => `127.0.0.1:${brokerPort(n)}`).join(',');
  const java = (main, args) => spawnSync('java', ['-Xmx256m', '-Dlog4j2.level=WARN', '-cp', classpath(), main, ...args], { encoding: 'utf8' });
  for (const { user, file } of secure.addUsers(HOME, names, { java, bootstrap, die })) console.log(`user ${user}: password in ${file}`);
}

async function down() {
  const state = readState();
  if (!state) return say('nothing to stop');
  // Stop in reverse so the last voter standing is node 1; all at once would leave no quorum
  // for controlled shutdown and each node would wait out its timeout. The last node of a
  // three-node cluster has no quorum left either: it gets 10 s to flush, then SIGKILL (its logs
  // are recovered at the next start) instead of waiting a minute for voters that are gone.
  const running = range(state.nodes).filter((n) => pidOf(n)).reverse();
  for (const [i, n] of running.entries()) {
    const lastOfSeveral = state.nodes > 1 && i === running.length - 1;
    await stopNode(n, 'SIGTERM', lastOfSeveral ? 10_000 : 60_000);
  }
}

async function status() {
  const state = readState();
  if (!state) {
    say('no cluster formatted (run `npm run kafka:up`)');
    process.exitCode = 1;
    return;
  }
  let up = 0;
  for (const n of range(state.nodes)) {
    const pid = pidOf(n);
    const answering = pid ? await portOpen(brokerPort(n)) : false;
    if (answering) up++;
    console.log(`node ${n}: ${pid ? (answering ? 'up' : 'starting') : 'down'}  broker 127.0.0.1:${brokerPort(n)}${pid ? `  pid ${pid}` : ''}`);
  }
  console.log(`${up}/${state.nodes} nodes up`);
  process.exitCode = up > 0 ? 0 : 1;
}

function tool(argv) {
  const [name, ...rest] = argv;
  const main = TOOLS[name];
  if (!main) die(`unknown tool "${name ?? ''}"; one of: ${Object.keys(TOOLS).join(', ')}`, 2);
  ensureJars();
  const state = readState();
  const bootstrap = state ? range(state.nodes).map((n) => `127.0.0.1:${brokerPort(n)}`).join(',') : `127.0.0.1:${BASE_PORT}`;
  const needsBootstrap = name !== 'storage' && !rest.some((a) => a.startsWith('--bootstrap-server') || a === '--help');
  // On the secure cluster the tools connect as the admin, unless told otherwise.
  const asAdmin = state?.secure && COMMAND_CONFIG_TOOLS.has(name) && !rest.some((a) => /^--(command-config|consumer\.config|producer\.config)/.test(a)) ? ['--command-config', secure.adminProperties(HOME)] : [];
  const args = needsBootstrap ? ['--bootstrap-server', process.env.EVCHARGE_BROKERS ?? bootstrap, ...asAdmin, ...rest] : rest;
  const r = spawnSync('java', ['-Xmx256m', `-Dlog4j2.level=WARN`, '-cp', classpath(), main, ...args], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
}

// ---- One node of a multi-host cluster ----------------------------------------------------------
// Each machine runs one node (broker + controller) bound to, and advertising, its own address.
// The quorum is static (controller.quorum.voters); every node is formatted with the same cluster id.
const NODE_HOME = path.join(HOME, 'host-node');
const NODE_BROKER_PORT = 9092;
const NODE_CONTROLLER_PORT = 9093;
const NODE_START_TIMEOUT_MS = 120_000;
const NODE_USAGE =
  'usage: kafka.mjs node cluster-id | node up --id N --address ADDR --quorum ID@HOST[:PORT],... [--cluster-id ID] ' +
  '[--port 9092] [--controller-port 9093] [--home DIR] [--set key=value,...] [--no-wait] [--wait-seconds S] | node down [--home DIR] [--timeout S] | ' +
  'node kill [--home DIR] | node status [--home DIR] [--json]';

function parseOptions(argv, { flags = [], values = [] }, usage = NODE_USAGE) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) die(`unexpected argument "${argv[i]}"\n${usage}`, 2);
    const [, key, inline] = m;
    if (flags.includes(key)) {
      if (inline !== undefined) die(`--${key} takes no value`, 2);
      out[key] = true;
    } else if (values.includes(key)) {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) die(`--${key} needs a value`, 2);
      out[key] = v;
    } else die(`unknown option --${key}\n${usage}`, 2);
  }
  return out;
}

function portValue(text, what) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) die(`${what} must be a port 1..65535, got "${text}"`, 2);
  return n;
}

const HOST_RE = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const IPV4_RE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
function addressValue(text) {
  if (!HOST_RE.test(text ?? '')) die(`--address must be this machine's IPv4 address or host name, got "${text ?? ''}"`, 2);
  if (text === '0.0.0.0') die('--address 0.0.0.0 cannot be advertised to clients: give the address the other machines reach this one at', 2);
  return text;
}

/** "1@10.0.0.1,2@10.0.0.2:9093" -> [{id, host, port}], a voter's port defaulting to defaultPort. */
function parseQuorum(text, defaultPort) {
  const voters = String(text)
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => {
      const m = /^(\d+)@([^:@]+)(?::(\d+))?$/.exec(e);
      if (!m || !HOST_RE.test(m[2])) die(`--quorum: "${e}" is not ID@HOST[:CONTROLLER_PORT]`, 2);
      return { id: Number(m[1]), host: m[2], port: m[3] ? portValue(m[3], `--quorum port of ${e}`) : defaultPort };
    });
  if (voters.length === 0) die('--quorum lists no voters', 2);
  if (new Set(voters.map((v) => v.id)).size !== voters.length) die(`--quorum lists a node id twice: ${text}`, 2);
  if (new Set(voters.map((v) => `${v.host}:${v.port}`)).size !== voters.length) die(`--quorum lists an address twice: ${text}`, 2);
  return voters;
}
const quorumText = (voters) => voters.map((v) => `${v.id}@${v.host}:${v.port}`).join(',');

const nodeStateFile = (home) => path.join(home, 'node.json');
const readNodeState = (home) => (existsSync(nodeStateFile(home)) ? JSON.parse(readFileSync(nodeStateFile(home), 'utf8')) : null);
const nodeLog = (home) => path.join(home, 'logs', 'server.log');

/** The pid of the node running from `home`, or null (no pid file, gone, a zombie, or a recycled pid of some other program). */
function nodePid(home) {
  const file = path.join(home, 'kafka.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8'));
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  try {
    if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return null;
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path.join(home, 'server.properties'))) return null;
  } catch {} // no /proc (not Linux): trust the pid
  return pid;
}

function writeHostNodeConfig(home, node, extra = {}) {
  const voters = parseQuorum(node.quorum, node.controllerPort);
  writeProps(home, {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': quorumText(voters),
    // Bound to this machine's address, and advertised as it: clients and the other nodes connect there.
    listeners: `PLAINTEXT://${node.address}:${node.port},CONTROLLER://${node.address}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${node.address}:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(home, 'data'),
    'num.partitions': 1,
    // Topics made without explicit settings (Kafka's own tools) are replicated like the internal ones.
    'default.replication.factor': Math.min(voters.length, 3),
    'min.insync.replicas': Math.min(voters.length, 3, 2),
    ...internalReplicationProps(voters.length),
    ...commonProps(),
    ...extra,
  });
}

/** `--set key=value[,key=value...]`: broker settings that override this script's (a stricter broker, as a user's own may be). */
function brokerOverrides(text) {
  if (text === undefined) return {};
  const out = {};
  for (const pair of text.split(',')) {
    const m = /^([a-z][a-z0-9.]*)=(.*)$/.exec(pair.trim());
    if (!m) die(`--set takes key=value[,key=value...] broker settings, got "${pair}"`, 2);
    out[m[1]] = m[2];
  }
  return out;
}

/** The node shape from `node up`'s options, checked against what `home` was formatted with. */
function nodeShape(o, home) {
  const stored = readNodeState(home);
  const controllerPort = o['controller-port'] ? portValue(o['controller-port'], '--controller-port') : (stored?.controllerPort ?? NODE_CONTROLLER_PORT);
  const given = {
    id: o.id === undefined ? undefined : Number(o.id),
    address: o.address === undefined ? undefined : addressValue(o.address),
    port: o.port === undefined ? undefined : portValue(o.port, '--port'),
    controllerPort: o['controller-port'] === undefined ? undefined : controllerPort,
    quorum: o.quorum === undefined ? undefined : quorumText(parseQuorum(o.quorum, controllerPort)),
    clusterId: o['cluster-id'],
  };
  if (given.id !== undefined && (!Number.isInteger(given.id) || given.id < 0)) die(`--id must be a node id (0, 1, 2, ...), got "${o.id}"`, 2);
  if (given.clusterId !== undefined && !validClusterId(given.clusterId))
    die(`--cluster-id "${given.clusterId}" is not a Kafka cluster id (22 characters of base64url); \`node scripts/kafka.mjs node cluster-id\` prints one`, 2);
  if (stored) {
    const differs = Object.entries(given).filter(([k, v]) => v !== undefined && v !== stored[k]);
    if (differs.length)
      die(
        `${home} holds node ${stored.id} of cluster ${stored.clusterId} (address ${stored.address}, quorum ${stored.quorum}); ` +
          `it differs in ${differs.map(([k, v]) => `${k} (${stored[k]} there, ${v} given)`).join(', ')}. ` +
          `Use another --home, or remove ${home} to format it again (its data is lost).`,
        2,
      );
    return { node: stored, fresh: false };
  }
  if (existsSync(path.join(home, 'data'))) die(`${home} has data but no node.json; give another --home or remove it`, 2);
  for (const k of ['id', 'address', 'quorum']) if (given[k] === undefined) die(`node up: --${k} is needed to format a new node in ${home}\n${NODE_USAGE}`, 2);
  const voters = parseQuorum(given.quorum, controllerPort);
  const me = voters.find((v) => v.id === given.id);
  if (!me) die(`--quorum (${given.quorum}) has no voter ${given.id}: every node is a voter, listed with its address`, 2);
  if (me.host !== given.address || me.port !== controllerPort)
    die(`--quorum lists node ${given.id} at ${me.host}:${me.port}, but its controller listens on ${given.address}:${controllerPort}`, 2);
  let clusterId = given.clusterId;
  if (clusterId === undefined) {
    if (voters.length > 1)
      die(
        'node up: --cluster-id is needed for a new node of a multi-node quorum: every node must be formatted with the same id. ' +
          'Run `node scripts/kafka.mjs node cluster-id` once and pass its output to every node.',
        2,
      );
    clusterId = newClusterId();
  }
  return { node: { id: given.id, address: given.address, port: given.port ?? NODE_BROKER_PORT, controllerPort, quorum: given.quorum, clusterId }, fresh: true };
}

function localAddresses() {
  return Object.values(os.networkInterfaces())
    .flat()
    .map((i) => i?.address);
}

async function nodeUp(argv) {
  const o = parseOptions(argv, { flags: ['no-wait'], values: ['id', 'address', 'quorum', 'cluster-id', 'port', 'controller-port', 'home', 'wait-seconds', 'set'] });
  const home = path.resolve(o.home ?? NODE_HOME);
  const waitMs = o['wait-seconds'] === undefined ? NODE_START_TIMEOUT_MS : Number(o['wait-seconds']) * 1000;
  if (!(waitMs > 0)) die(`--wait-seconds must be a positive number, got "${o['wait-seconds']}"`, 2);
  const { node, fresh } = nodeShape(o, home);
  const label = `node ${node.id}`;
  let pid = nodePid(home);
  if (pid) say(`${label} already up (pid ${pid})`);
  else {
    if (IPV4_RE.test(node.address) && !localAddresses().includes(node.address))
      die(`${node.address} is not an address of this machine (or of this network namespace: run it with \`node scripts/hosts.mjs exec N -- ...\`)`, 2);
    for (const [port, what] of [
      [node.port, 'broker'],
      [node.controllerPort, 'controller'],
    ])
      if (await portOpen(port, node.address)) die(`${what} port ${node.address}:${port} is taken by another process`, 2);
    ensureJars();
    writeHostNodeConfig(home, node, brokerOverrides(o.set));
    if (fresh) {
      const r = spawnSync('java', javaArgs(home, 'kafka.tools.StorageTool', ['format', '-t', node.clusterId, '-c', path.join(home, 'server.properties')]), {
        encoding: 'utf8',
      });
      if (r.status !== 0) die(`formatting ${label} in ${home} failed:\n${r.stdout}${r.stderr}`);
      writeFileSync(nodeStateFile(home), JSON.stringify(node, null, 2) + '\n');
      say(`formatted ${label} of cluster ${node.clusterId} in ${home}`);
    }
    const out = openSync(path.join(home, 'logs', 'stdout.log'), 'a');
    const child = spawn('java', javaArgs(home, 'kafka.Kafka', [path.join(home, 'server.properties')]), { detached: true, stdio: ['ignore', out, out] });
    writeFileSync(path.join(home, 'kafka.pid'), String(child.pid));
    child.unref();
    pid = child.pid;
    say(`${label} starting (pid ${pid}), broker ${node.address}:${node.port}, controller ${node.address}:${node.controllerPort}, log ${nodeLog(home)}`);
  }
  if (o['no-wait']) return;
  const started = Date.now();
  let toldQuorum = false;
  let cluster = null;
  await waitForBrokers(
    [{ host: node.address, port: node.port, alive: () => Boolean(nodePid(home)), exitedHint: `${label} exited during start-up; see ${nodeLog(home)} and stdout.log` }],
    (described) => {
      cluster = described;
      return described.brokers.some((b) => b.nodeId === node.id) || `${label} not registered yet`;
    },
    {
      timeoutMs: waitMs,
      what: label,
      logHint: `${nodeLog(home)} (the node keeps running; \`node scripts/kafka.mjs node status\`)`,
      // A node's broker opens only once a majority of the quorum is up and has elected a leader.
      onWaiting: () => {
        if (toldQuorum || Date.now() - started < 10_000) return;
        toldQuorum = true;
        const voters = parseQuorum(node.quorum, node.controllerPort);
        say(`waiting for the controller quorum: ${Math.floor(voters.length / 2) + 1} of ${quorumText(voters)} must be up`);
      },
    },
  );
  say(`${label} up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (cluster) console.log(`cluster ${node.clusterId}: ${cluster.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(', ')}; controller ${cluster.controller}`);
}

function nodeHome(argv, values = []) {
  const o = parseOptions(argv, { flags: ['json'], values: ['home', ...values] });
  const home = path.resolve(o.home ?? NODE_HOME);
  const node = readNodeState(home);
  return { o, home, node };
}

async function nodeStop(argv, signal) {
  const { o, home, node } = nodeHome(argv, signal === 'SIGTERM' ? ['timeout'] : []);
  const label = node ? `node ${node.id}` : 'node';
  const pid = nodePid(home);
  if (!pid) return say(`${label} is not running (${home})`);
  const patienceMs = o.timeout === undefined ? 60_000 : Number(o.timeout) * 1000;
  if (!(patienceMs >= 0)) die(`--timeout must be a number of seconds, got "${o.timeout}"`, 2);
  process.kill(pid, signal);
  const deadline = Date.now() + patienceMs;
  while (nodePid(home) && Date.now() < deadline) await sleep(200);
  if (nodePid(home)) {
    // The last node of a quorum cannot finish a controlled shutdown: no controller is left to ask.
    say(`${label} did not stop in ${Math.round(patienceMs / 1000)} s; killing it`);
    process.kill(pid, 'SIGKILL');
    while (nodePid(home)) await sleep(100);
  }
  rmSync(path.join(home, 'kafka.pid'), { force: true });
  say(`${label} ${signal === 'SIGKILL' ? 'killed' : 'stopped'}`);
}

async function nodeStatus(argv) {
  const { o, home, node } = nodeHome(argv);
  if (!node) {
    if (o.json) console.log(JSON.stringify({ home, formatted: false }));
    else say(`no node formatted in ${home} (node up --id N --address ADDR --quorum ... first)`);
    process.exitCode = 1;
    return;
  }
  const pid = nodePid(home);
  const answering = pid ? await portOpen(node.port, node.address) : false;
  let cluster = null;
  if (answering) {
    const { Kafka, logLevel } = await import('kafkajs');
    const admin = new Kafka({
      clientId: 'kafka-script',
      brokers: [`${node.address}:${node.port}`],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      cluster = await admin.describeCluster();
    } catch (e) {
      cluster = { error: e.message };
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
  const state = pid ? (answering ? 'up' : 'starting') : 'down';
  if (o.json) console.log(JSON.stringify({ home, formatted: true, ...node, pid, state, cluster }));
  else {
    console.log(`node ${node.id}: ${state}  broker ${node.address}:${node.port}  controller ${node.address}:${node.controllerPort}${pid ? `  pid ${pid}` : ''}`);
    console.log(`cluster ${node.clusterId}, quorum ${node.quorum}, home ${home}`);
    if (cluster?.error) console.log(`cluster metadata: ${cluster.error}`);
    else if (cluster) console.log(`brokers: ${cluster.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(', ')}; controller ${cluster.controller}`);
  }
  process.exitCode = state === 'up' ? 0 : 1;
}

async function hostNode(argv) {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'cluster-id':
      console.log(newClusterId());
      break;
    case 'up':
      await nodeUp(rest);
      break;
    case 'down':
      await nodeStop(rest, 'SIGTERM');
      break;
    case 'kill':
      await nodeStop(rest, 'SIGKILL');
      break;
    case 'status':
      await nodeStatus(rest);
      break;
    default:
      die(NODE_USAGE, 2);
  }
}

const [cmd, ...argv] = process.argv.slice(2);
const state = readState();
switch (cmd) {
  case 'up':
    await up(argv);
    break;
  case 'down':
    await down();
    break;
  case 'status':
    await status();
    break;
  case 'stop-node':
    await stopNode(nodeArg(argv[0], state));
    break;
  case 'kill-node':
    await stopNode(nodeArg(argv[0], state), 'SIGKILL');
    break;
  case 'start-node': {
    const n = nodeArg(argv[0], state);
    startNode(n);
    await waitForCluster([n]);
    say(`node ${n} up`);
    break;
  }
  case 'tool':
    tool(argv);
    break;
  case 'user':
    user(argv);
    break;
  case 'node':
    await hostNode(argv);
    break;
  default:
    die(`usage: kafka.mjs up [--nodes 1|3] [--secure [--users a,b]] | user add NAME... | down | status | stop-node N | kill-node N | start-node N | tool NAME ARGS... | node up|down|kill|status|cluster-id ...`, 2);
}
