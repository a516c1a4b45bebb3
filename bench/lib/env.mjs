// Shared helpers of the benchmark: finding (or starting) a Kafka, isolated configs, spawning the
// real binary, sampling a process's CPU and memory, and reading consumer lag.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'dist', 'bin', 'evcharge.js');
// Every topic the network uses (src/bus/topics.ts, compiled): each run gets its own of each.
export const { TOPIC_KEYS } = await import(path.join(ROOT, 'dist/src/bus/topics.js'));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

export function kafkaClient(brokers, clientId = 'evcharge-bench') {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 30000, retry: { retries: 5 } });
}

async function answers(brokers) {
  const admin = new Kafka({ clientId: 'evcharge-bench-probe', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1500, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const { brokers: all } = await admin.describeCluster();
    return all.map((b) => `${b.host}:${b.port}`).sort();
  } catch {
    return null;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** The brokers to use; starts a one-node local Kafka when none answers (stop() stops only that). */
export async function findKafka() {
  const wanted = (process.env.EVCHARGE_BROKERS ?? '127.0.0.1:9092').split(',');
  let brokers = await answers(wanted);
  let started = false;
  if (!brokers) {
    if (process.env.EVCHARGE_BROKERS) throw new Error(`no Kafka answers at EVCHARGE_BROKERS=${process.env.EVCHARGE_BROKERS}`);
    log('no Kafka at 127.0.0.1:9092: starting a one-node local one (scripts/kafka.mjs up)');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/kafka.mjs'), 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error('scripts/kafka.mjs up failed');
    started = true;
    brokers = await answers(wanted);
    if (!brokers) throw new Error('the Kafka just started does not answer');
  }
  return {
    brokers,
    started,
    stop() {
      if (!started) return;
      log('stopping the Kafka this run started');
      spawnSync(process.execPath, [path.join(ROOT, 'scripts/kafka.mjs'), 'down'], { stdio: ['ignore', 'inherit', 'inherit'] });
    },
  };
}

/** The broker's Kafka version, from the jar name under .kafka/lib (the local Kafka), if known. */
export function kafkaVersion() {
  try {
    const lib = path.join(ROOT, '.kafka', 'lib');
    const jar = spawnSync('ls', [lib], { encoding: 'utf8' }).stdout.split('\n').find((f) => /^kafka_2\.13-.*\.jar$/.test(f));
    return jar ? jar.replace(/^kafka_2\.13-/, '').replace(/\.jar$/, '') : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machine() {
  const cpus = os.cpus();
  let kafkajs = 'unknown';
  try {
    kafkajs = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/kafkajs/package.json'), 'utf8')).version;
  } catch {}
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    ramGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    kafka: kafkaVersion(),
    kafkajs,
    loadavgAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export const newTag = (what) => `bench-${what}-${randomBytes(3).toString('hex')}`;

/**
 * An isolated config: every topic and group carries `tag`, so a bench run never meets a test
 * (or another run) on a shared broker. Returns { path, tag, topics: key → name, groups }.
 */
export function isolatedConfig(tag, { brokers, partitions = 3, rf = 1, minIsr = 1, heartbeatTimeoutMs = 3000, sessionTimeoutMs = 10000 }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-bench-'));
  const file = path.join(dir, `${tag}.yaml`);
  const yaml = [
    'kafka:',
    '  bootstrap_servers:',
    ...brokers.map((b) => `    - "${b}"`),
    `  client_id_prefix: ${tag}`,
    '  startup_timeout_ms: 30000',
    `  session_timeout_ms: ${sessionTimeoutMs}`,
    'topic_defaults:',
    `  partitions: ${partitions}`,
    `  replication_factor: ${rf}`,
    `  min_insync_replicas: ${minIsr}`,
    'topics:',
    ...TOPIC_KEYS.map((k) => `  ${k}: { name: ${tag}.${k} }`),
    'consumer_groups:',
    `  central: ${tag}-central-group`,
    `  cp: "${tag}-cp-{cp_id}-group"`,
    `  driver: "${tag}-driver-{driver_id}-group"`,
    'central:',
    `  heartbeat_timeout_ms: ${heartbeatTimeoutMs}`,
    '',
  ].join('\n');
  writeFileSync(file, yaml);
  return {
    path: file,
    tag,
    topics: Object.fromEntries(TOPIC_KEYS.map((k) => [k, `${tag}.${k}`])),
    centralGroup: `${tag}-central-group`,
    partitions,
    rf,
    minIsr,
  };
}

/** Deletes the topics of an isolated config (best effort). */
export async function deleteTopics(kafka, cfg) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(cfg.topics), timeout: 15000 });
  } catch {
    // a left-over topic only costs disk
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * One command of the real binary as its own process with `--no-tui --json`: JSON lines are parsed
 * as they arrive. `waitFor(pred)` resolves with the first matching event.
 */
export class BinProcess {
  constructor(args, { env = {}, nodeArgs = [], name = args[0], script = null, scriptArgs = [] } = {}) {
    this.name = name;
    this.events = [];
    this.stderr = '';
    this.buffer = '';
    this.waiters = [];
    const argv = script ? [...nodeArgs, script, ...scriptArgs] : [...nodeArgs, BIN, ...args, '--no-tui', '--json'];
    this.child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid;
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk) => this.onData(chunk));
    this.child.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-20000)));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  onData(chunk) {
    this.buffer += chunk;
    let nl;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (!line.trim()) continue;
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        event = { kind: 'non-json', line };
      }
      if (this.events.length < 200_000) this.events.push(event);
      this.waiters = this.waiters.filter((w) => (w.pred(event) ? (w.resolve(event), false) : true));
    }
  }

  waitFor(pred, what, ms = 60000) {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ${what} within ${ms} ms; stderr: ${this.stderr.slice(-2000)}`)), ms);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code ?? signal}) before ${what}; stderr: ${this.stderr.slice(-2000)}`));
      });
    });
  }

  signal(sig) {
    try {
      this.child.kill(sig);
    } catch {}
  }

  /** SIGTERM, then SIGKILL if it has not exited within `ms`. */
  async stop(ms = 20000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), ms);
    const r = await this.exited;
    clearTimeout(timer);
    return r;
  }
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) and RSS bytes of a process, from /proc. */
export function procSample(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    return { at: performance.now(), cpuSeconds: (utime + stime) / TICKS, sysSeconds: stime / TICKS, rss };
  } catch {
    return null;
  }
}

/** Samples a process every `everyMs`: CPU share of one core per interval, RSS. */
export class ProcSampler {
  constructor(pid, everyMs = 1000) {
    this.pid = pid;
    this.samples = [];
    this.last = procSample(pid);
    this.timer = setInterval(() => {
      const s = procSample(pid);
      if (!s || !this.last) return;
      const cpu = (s.cpuSeconds - this.last.cpuSeconds) / ((s.at - this.last.at) / 1000);
      this.samples.push({ t: s.at, cpu, rss: s.rss });
      this.last = s;
    }, everyMs);
  }

  /** Marks the start of the window that summary() covers. */
  mark() {
    this.markAt = performance.now();
    this.markSample = procSample(this.pid);
  }

  summary() {
    const end = procSample(this.pid);
    const window = this.samples.filter((s) => this.markAt === undefined || s.t >= this.markAt);
    const cpuShare =
      end && this.markSample ? (end.cpuSeconds - this.markSample.cpuSeconds) / ((end.at - this.markSample.at) / 1000) : null;
    const sysShare =
      end && this.markSample ? (end.sysSeconds - this.markSample.sysSeconds) / ((end.at - this.markSample.at) / 1000) : null;
    const rss = window.map((s) => s.rss);
    const cpus = window.map((s) => s.cpu).sort((a, b) => a - b);
    return {
      cpuShareMean: cpuShare === null ? null : round(cpuShare, 3),
      /** The kernel's part of it (system time: mostly loopback TCP to the broker). */
      sysShareMean: sysShare === null ? null : round(sysShare, 3),
      cpuShareP90: cpus.length ? round(cpus[Math.floor(cpus.length * 0.9)] ?? cpus[cpus.length - 1], 3) : null,
      rssMaxMb: rss.length ? round(Math.max(...rss) / 1024 ** 2, 1) : null,
      rssLastMb: rss.length ? round(rss[rss.length - 1] / 1024 ** 2, 1) : null,
    };
  }

  stop() {
    clearInterval(this.timer);
  }
}

export const round = (n, digits = 2) => (n === null || n === undefined || Number.isNaN(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits);

/** Total lag of `groupId` over `topics` (end offset minus committed), and per topic. */
export async function groupLag(admin, groupId, topics) {
  const [committed, ...ends] = await Promise.all([
    admin.fetchOffsets({ groupId, topics }),
    ...topics.map((topic) => admin.fetchTopicOffsets(topic)),
  ]);
  const byTopic = {};
  let total = 0;
  topics.forEach((topic, i) => {
    const mine = committed.find((c) => c.topic === topic);
    let lag = 0;
    for (const p of ends[i]) {
      const c = Number(mine?.partitions.find((x) => x.partition === p.partition)?.offset ?? -1);
      const end = Number(p.offset);
      lag += c < 0 ? end - Number(p.low ?? 0) : Math.max(0, end - c);
    }
    byTopic[topic] = lag;
    total += lag;
  });
  return { total, byTopic };
}

/** Samples the lag of a group every `everyMs` into a series [{ s, lag }]. */
export class LagSampler {
  constructor(admin, groupId, topics, everyMs = 2000) {
    this.series = [];
    this.t0 = performance.now();
    this.busy = null;
    this.sample = async () => {
      this.calls++;
      try {
        const { total } = await groupLag(admin, groupId, topics);
        this.series.push({ s: round((performance.now() - this.t0) / 1000, 1), lag: total });
      } catch (e) {
        this.error = String(e);
        this.errors = (this.errors ?? 0) + 1;
      }
    };
    this.calls = 0;
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = this.sample().finally(() => (this.busy = null));
    }, everyMs);
  }

  /** Stops sampling after one last sample. */
  async finish() {
    clearInterval(this.timer);
    await this.busy;
    await this.sample();
  }

  summary() {
    const lags = this.series.map((x) => x.lag);
    const half = lags.slice(Math.floor(lags.length / 2));
    return {
      samples: this.calls,
      ...(this.error ? { errors: this.errors, error: this.error } : {}),
      max: lags.length ? Math.max(...lags) : null,
      last: lags.length ? lags[lags.length - 1] : null,
      meanSecondHalf: half.length ? round(half.reduce((a, b) => a + b, 0) / half.length, 1) : null,
      series: this.series,
    };
  }
}
