#!/usr/bin/env node
// A local Apache Kafka in KRaft mode (no ZooKeeper), for development and tests.
//
//   node scripts/kafka.mjs up [--nodes 1|3]   start one node (or a three-node quorum), wait, print brokers
//   node scripts/kafka.mjs down               stop every node cleanly
//   node scripts/kafka.mjs status             which nodes are up
//   node scripts/kafka.mjs stop-node N        stop node N (SIGTERM, controlled shutdown), data kept
//   node scripts/kafka.mjs kill-node N        kill -9 node N (failure tests)
//   node scripts/kafka.mjs start-node N       start node N again without reformatting
//   node scripts/kafka.mjs tool NAME ARGS...  run one of Kafka's own tools (topics, consumer-groups, ...)
//
// Everything lives under .kafka/ (git-ignored): lib/ holds the jars Maven fetches from kafka/pom.xml,
// node-N/ holds each node's properties, data and logs, cluster.json remembers the cluster's shape.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, openSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
};

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
    ['-q', '-B', '-f', path.join(ROOT, 'kafka/pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${LIB}`, '-DincludeScope=runtime'],
    { stdio: 'inherit' },
  );
  if (r.error) die(`cannot run mvn (${r.error.message}); install Java 17+ and Maven`);
  if (r.status !== 0) die('mvn failed to fetch Kafka; see the output above');
}

const classpath = () => path.join(LIB, '*');
const nodeDir = (n) => path.join(HOME, `node-${n}`);
const pidFile = (n) => path.join(nodeDir(n), 'kafka.pid');
const readState = () => (existsSync(STATE) ? JSON.parse(readFileSync(STATE, 'utf8')) : null);

function pidOf(n) {
  if (!existsSync(pidFile(n))) return null;
  const pid = Number(readFileSync(pidFile(n), 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

function writeNodeConfig(n, nodes) {
  const dir = nodeDir(n);
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const voters = Array.from({ length: nodes }, (_, i) => `${i + 1}@127.0.0.1:${controllerPort(i + 1)}`).join(',');
  const rf = Math.min(nodes, 3);
  const props = {
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
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': Math.min(rf, 2),
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': Math.min(rf, 2),
    // Tuned for tests: groups form at once, small segments, quicker failure detection (a killed
    // broker is fenced after 6 s instead of 9, so its partitions get new leaders sooner; 3 s
    // fenced live brokers of a loaded two-core machine).
    'group.initial.rebalance.delay.ms': 0,
    'broker.session.timeout.ms': 6000,
    'broker.heartbeat.interval.ms': 1000,
    'auto.create.topics.enable': false,
    'log.segment.bytes': 16 * 1024 * 1024,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'unclean.leader.election.enable': false,
  };
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

function javaArgs(n, mainClass, args) {
  return [
    ...HEAP.split(' '),
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(nodeDir(n), 'log4j2.properties')}`,
    '-cp',
    classpath(),
    mainClass,
    ...args,
  ];
}

function format(nodes) {
  const clusterId = randomBytes(16).toString('base64url');
  for (const entry of existsSync(HOME) ? readdirSync(HOME) : []) {
    if (entry.startsWith('node-') || entry === 'cluster.json') rmSync(path.join(HOME, entry), { recursive: true, force: true });
  }
  ensureJars();
  for (let n = 1; n <= nodes; n++) {
    writeNodeConfig(n, nodes);
    const r = spawnSync('java', javaArgs(n, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', path.join(nodeDir(n), 'server.properties')]), {
      encoding: 'utf8',
    });
    if (r.status !== 0) die(`formatting node ${n} failed:\n${r.stdout}${r.stderr}`);
  }
  writeFileSync(STATE, JSON.stringify({ nodes, clusterId, basePort: BASE_PORT }, null, 2));
  say(`formatted a ${nodes}-node KRaft cluster (${clusterId})`);
}

function startNode(n) {
  if (pidOf(n)) return say(`node ${n} already up (pid ${pidOf(n)})`);
  const out = openSync(path.join(nodeDir(n), 'logs', 'stdout.log'), 'a');
  const child = spawn('java', javaArgs(n, 'kafka.Kafka', [path.join(nodeDir(n), 'server.properties')]), {
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

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

// Up means: every running node's broker answers a metadata request and the cluster reports them all.
async function waitForCluster(expected) {
  const { Kafka, logLevel } = await import('kafkajs');
  const brokers = expected.map((n) => `127.0.0.1:${brokerPort(n)}`);
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    for (const n of expected) if (!pidOf(n)) die(`node ${n} exited during start-up; see .kafka/node-${n}/logs/server.log and stdout.log`);
    if ((await Promise.all(expected.map((n) => portOpen(brokerPort(n))))).every(Boolean)) {
      const admin = new Kafka({ clientId: 'kafka-script', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
      try {
        await admin.connect();
        const described = await admin.describeCluster().catch((e) => e);
        // kafkajs fails describeCluster when any partition of any topic has no leader (a topic
        // with RF 1 on a stopped node): the brokers still answered, which is what we wait for.
        if (described instanceof Error) {
          if (/no leader|leadership election/i.test(described.message)) return brokers;
          throw described;
        }
        const { brokers: seen, controller } = described;
        if (seen.length >= expected.length && controller !== null && controller !== -1) return brokers;
        lastError = `${seen.length}/${expected.length} brokers registered`;
      } catch (e) {
        lastError = e.message;
      } finally {
        await admin.disconnect().catch(() => {});
      }
    }
    await sleep(500);
  }
  die(`cluster did not answer within ${START_TIMEOUT_MS / 1000} s (${lastError}); see .kafka/node-*/logs/server.log`);
}

function nodeArg(arg, state) {
  const n = Number(arg);
  if (!state) die('no cluster has been formatted; run `npm run kafka:up` first', 2);
  if (!Number.isInteger(n) || n < 1 || n > state.nodes) die(`node must be 1..${state.nodes}, got "${arg ?? ''}"`, 2);
  return n;
}

const range = (nodes) => Array.from({ length: nodes }, (_, i) => i + 1);

async function up(argv) {
  const i = argv.indexOf('--nodes');
  const nodes = i >= 0 ? Number(argv[i + 1]) : 1;
  if (![1, 3].includes(nodes)) die(`--nodes must be 1 or 3, got "${argv[i + 1] ?? ''}"`, 2);
  let state = readState();
  const running = state ? range(state.nodes).filter((n) => pidOf(n)) : [];
  if (state && state.nodes !== nodes) {
    if (running.length) die(`a ${state.nodes}-node cluster is running; run \`npm run kafka:down\` first`, 2);
    state = null;
  }
  if (!state) format(nodes);
  else ensureJars();
  for (const n of range(nodes)) {
    const busy = !pidOf(n) && (await portOpen(brokerPort(n)));
    if (busy) die(`port ${brokerPort(n)} is taken by another process; stop it or point EVCHARGE_BROKERS at it`, 2);
  }
  range(nodes).forEach(startNode);
  const brokers = await waitForCluster(range(nodes));
  say(`up: ${nodes} node${nodes > 1 ? 's' : ''}`);
  console.log(`bootstrap servers: ${brokers.join(',')}`);
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
  const args = needsBootstrap ? ['--bootstrap-server', process.env.EVCHARGE_BROKERS ?? bootstrap, ...rest] : rest;
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
  default:
    die(`usage: kafka.mjs up [--nodes 1|3] | down | status | stop-node N | kill-node N | start-node N | tool NAME ARGS...`, 2);
}
