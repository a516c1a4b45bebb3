// One node of a multi-host cluster (`node scripts/kafka.mjs node ...`): one Kafka node per
// machine, bound to that machine's address; see the usage in scripts/kafka.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, rmSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HOME, commonProps, die, ensureJars, internalReplicationProps, javaArgs, newClusterId, nodePid, parseOptions, portOpen, say, sleep, validClusterId, waitForBrokers, writeProps } from './kafka-lib.mjs';

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
  const o = parseOptions(argv, { flags: ['no-wait'], values: ['id', 'address', 'quorum', 'cluster-id', 'port', 'controller-port', 'home', 'wait-seconds', 'set'] }, NODE_USAGE);
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
  const o = parseOptions(argv, { flags: ['json'], values: ['home', ...values] }, NODE_USAGE);
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

export async function hostNode(argv) {
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
