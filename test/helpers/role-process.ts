import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { startCli } from './run-cli.js';
import { isolatedConfigYaml, uniqueTag } from './kafka-env.js';

export type JsonEvent = { at: number; kind: string; [k: string]: unknown };

/**
 * One role of the real binary running as its own process with `--no-tui --json`: its events are
 * parsed as they arrive, and tests wait for content instead of sleeping.
 */
export class RoleProcess {
  readonly events: JsonEvent[] = [];
  stderr = '';
  private buffer = '';
  private waiters: { pred: (e: JsonEvent) => boolean; resolve: (e: JsonEvent) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(
    readonly name: string,
    args: string[],
    env: NodeJS.ProcessEnv = {},
    /** The network namespace (test host) it runs on; none: this machine's own. */
    netns?: string,
  ) {
    this.child = startCli([...args, '--no-tui', '--json'], env, netns);
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (!line.trim()) continue;
      let event: JsonEvent;
      try {
        event = JSON.parse(line) as JsonEvent;
      } catch {
        event = { at: Date.now(), kind: 'non-json-stdout', line };
      }
      this.events.push(event);
      this.waiters = this.waiters.filter((w) => (w.pred(event) ? (w.resolve(event), false) : true));
    }
  }

  /** The first event (already seen or still to come) that matches, or a failure after `ms`. */
  waitFor(pred: (e: JsonEvent) => boolean, what: string, ms = 20000, from = 0): Promise<JsonEvent> {
    const seen = this.events.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.name}: no ${what} within ${ms} ms.\nevents: ${this.events.map((e) => e.kind).join(', ')}\nstderr: ${this.stderr}`));
      }, ms);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  /** Waits for the next event of `kind` (optionally matching `data`) after those already seen. */
  waitForKind(kind: string, match: Record<string, unknown> = {}, ms?: number): Promise<JsonEvent> {
    return this.waitFor((e) => e.kind === kind && Object.entries(match).every(([k, v]) => e[k] === v), `${kind} ${JSON.stringify(match)}`, ms);
  }

  /** Sends an operator line and waits for the answer printed after it. */
  async ask(line: string, pred: (text: string) => boolean, what: string, ms = 10000): Promise<string> {
    const from = this.events.length;
    this.send(line);
    const e = await this.waitFor((e) => (e.kind === 'command' || e.kind === 'command-error') && pred(String(e['text'])), what, ms, from);
    return String(e['text']);
  }

  /** Polls `status` until the CP shows `state` (central prints one line per CP). */
  async waitForCpState(cpId: string, state: string, ms = 15000): Promise<void> {
    const deadline = Date.now() + ms;
    const re = new RegExp(`^${cpId}\\s+${state}\\b`, 'm');
    for (;;) {
      const from = this.events.length;
      this.send('status');
      // Generous: a restarted central answers only once it has joined its group again.
      const answer = await this.waitFor((e) => e.kind === 'command', 'status answer', 15000, from);
      if (re.test(String(answer['text']))) return;
      if (Date.now() > deadline) throw new Error(`${cpId} not ${state} within ${ms} ms; last status:\n${String(answer['text'])}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** For an assertion's message: what the role said last about its outcome, and its stderr. */
  outcome(): string {
    const telling = new Set(['service-result', 'ticket', 'timeout', 'denied', 'publish-error', 'bus-status', 'run-done', 'fatal']);
    const last = this.events.filter((e) => telling.has(e.kind)).slice(-8);
    const lines = last.map((e) => `${new Date(e.at).toISOString().slice(11, 23)} ${e.kind}: ${String(e['text'] ?? '')}`);
    return `${this.name}:\n${lines.join('\n')}${this.stderr ? `\nstderr: ${this.stderr.slice(-2000)}` : ''}`;
  }

  count(kind: string, match: Record<string, unknown> = {}): number {
    return this.events.filter((e) => e.kind === kind && Object.entries(match).every(([k, v]) => e[k] === v)).length;
  }

  /** The process id (what a central names itself by: host and pid). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** null while the process runs. */
  exitCode(): number | null {
    return this.child.exitCode ?? (this.child.signalCode ? -1 : null);
  }

  send(line: string): void {
    this.child.stdin.write(line + '\n');
  }

  /** Several lines in one write, as a paste or a script's pipe delivers them. */
  sendAll(lines: readonly string[]): void {
    this.child.stdin.write(lines.map((l) => l + '\n').join(''));
  }

  /** Closes its stdin: the end of input. */
  endInput(): void {
    this.child.stdin.end();
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** SIGTERM and wait; SIGKILL if it does not leave in `ms`. */
  async stop(ms = 10000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

/** A private network on the shared broker: its own topics, groups and config file. */
export class TestNetwork {
  readonly tag = uniqueTag();
  readonly dir = mkdtempSync(path.join(os.tmpdir(), `evcharge-${this.tag}-`));
  readonly configPath: string;
  readonly roles: RoleProcess[] = [];
  /** A network on brokers of its own (the namespace hosts) must not inherit the run's EVCHARGE_BROKERS. */
  private readonly brokerEnv: NodeJS.ProcessEnv;

  constructor(options: Parameters<typeof isolatedConfigYaml>[1] = {}) {
    this.configPath = path.join(this.dir, 'kafka_config.yaml');
    writeFileSync(this.configPath, isolatedConfigYaml(this.tag, options));
    this.brokerEnv = options.brokers ? { EVCHARGE_BROKERS: options.brokers.join(',') } : {};
  }

  /** `host`: the network namespace the role runs in (see scripts/hosts.mjs); none: this machine. */
  start(name: string, args: string[], env: NodeJS.ProcessEnv = {}, host?: string): RoleProcess {
    const role = new RoleProcess(name, [...args, '--config', this.configPath], { EVCHARGE_LOG_DIR: path.join(this.dir, 'logs'), ...this.brokerEnv, ...env }, host);
    this.roles.push(role);
    return role;
  }

  central(env: NodeJS.ProcessEnv = {}, host?: string): RoleProcess {
    return this.start('central', ['central'], env, host);
  }

  cp(id: string, extra: string[] = [], host?: string): RoleProcess {
    return this.start(id, ['cp', '--id', id, ...extra], {}, host);
  }

  driver(id: string, extra: string[] = [], host?: string): RoleProcess {
    return this.start(id, ['driver', '--id', id, ...extra], {}, host);
  }

  file(name: string, text: string): string {
    const p = path.join(this.dir, name);
    writeFileSync(p, text);
    return p;
  }

  /** Stops every role and keeps each one's events in the network's folder, for a post-mortem. */
  async stopAll(): Promise<void> {
    await Promise.all(this.roles.map((r) => r.stop()));
    const names = new Map<string, number>();
    for (const r of this.roles) {
      // Two roles of one name (a central and its standby) keep a file each.
      const n = (names.get(r.name) ?? 0) + 1;
      names.set(r.name, n);
      writeFileSync(path.join(this.dir, n === 1 ? `${r.name}.jsonl` : `${r.name}-${n}.jsonl`), r.events.map((e) => JSON.stringify(e)).join('\n') + `\n${r.stderr}`);
    }
  }
}
