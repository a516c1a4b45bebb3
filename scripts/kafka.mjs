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
import { existsSync, readFileSync, writeFileSync, rmSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as secure from './kafka-secure.mjs';
import { HOME, ROOT, classpath, commonProps, die, ensureJars, internalReplicationProps, javaArgs, newClusterId, nodePid, parseOptions, portOpen, say, sleep, waitForBrokers, writeProps } from './kafka-lib.mjs';
import { hostNode } from './kafka-node.mjs';

const STATE = path.join(HOME, 'cluster.json');

// Ports: node N serves clients on 9091+N and its controller on 19091+N. EVCHARGE_KAFKA_PORT moves
// the first broker (with EVCHARGE_KAFKA_HOME, a second cluster can run beside the first).
// A formatted cluster remembers its ports, so later commands need only EVCHARGE_KAFKA_HOME.
const BASE_PORT = Number(
  process.env.EVCHARGE_KAFKA_PORT ?? (existsSync(STATE) ? JSON.parse(readFileSync(STATE, 'utf8')).basePort : undefined) ?? 9092,
);
const brokerPort = (n) => BASE_PORT - 1 + n;
const controllerPort = (n) => BASE_PORT + 9999 + n;

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



const nodeDir = (n) => path.join(HOME, `node-${n}`);
const pidFile = (n) => path.join(nodeDir(n), 'kafka.pid');
const readState = () => (existsSync(STATE) ? JSON.parse(readFileSync(STATE, 'utf8')) : null);

/** Node n's pid, or null; never a recycled pid of another program (see nodePid). */
function pidOf(n) {
  return nodePid(nodeDir(n));
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
