// What scripts/kafka.mjs (the local cluster) and scripts/kafka-node.mjs (one node of a
// multi-host cluster) share: where Kafka lives, its jars, node settings, and waiting for brokers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const HOME = process.env.EVCHARGE_KAFKA_HOME ?? path.join(ROOT, '.kafka');

export const LIB = path.join(HOME, 'lib');

// Modest heap: the machine has 2 cores and a three-node cluster must fit beside the tests.
export const HEAP = process.env.EVCHARGE_KAFKA_HEAP ?? '-Xms128m -Xmx512m';

export const START_TIMEOUT_MS = 90_000;

export const say = (msg) => console.log(`[kafka] ${msg}`);

export const die = (msg, code = 1) => {
  console.error(`[kafka] ${msg}`);
  process.exit(code);
};

export function ensureJars() {
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

export const classpath = () => path.join(LIB, '*');

/** A fresh KRaft cluster id: 16 random bytes, base64url (Kafka's Uuid form); never starting with '-', which tools would take for an option. */
export function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export const validClusterId = (id) => /^[A-Za-z0-9_-]{22}$/.test(id) && !id.startsWith('-') && Buffer.from(id, 'base64url').length === 16;

// Settings every node of every cluster this script makes gets, loopback or multi-host.
// Tuned for tests: groups form at once, small segments, quicker failure detection (a killed
// broker is fenced after 6 s instead of 9, so its partitions get new leaders sooner; 3 s
// fenced live brokers of a loaded two-core machine).
export function commonProps() {
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
export function internalReplicationProps(nodes) {
  const rf = Math.min(nodes, 3);
  return {
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': Math.min(rf, 2),
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': Math.min(rf, 2),
  };
}

export function writeProps(dir, props) {
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

export function javaArgs(dir, mainClass, args) {
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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function portOpen(port, host = '127.0.0.1', timeoutMs = 2000) {
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
export async function waitForBrokers(targets, ready, { timeoutMs = START_TIMEOUT_MS, logHint, onWaiting, what = 'cluster', client = {} } = {}) {
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

/** The pid of the node running from `home`, or null (no pid file, gone, a zombie, or a recycled pid of some other program). */
export function nodePid(home) {
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

/** `--key value`, `--key=value` and `--flag` options; anything else exits 2 with `usage`. */
export function parseOptions(argv, { flags = [], values = [] }, usage) {
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
