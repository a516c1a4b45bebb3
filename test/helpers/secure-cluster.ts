import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './run-cli.js';

/**
 * A secure local cluster of the test's own (`scripts/kafka.mjs up --secure`), in a temp home on
 * ports of its own, so it never meets the run's shared cluster. The jars come from the run's
 * Kafka home (a symlink, nothing downloaded again).
 */
export class SecureCluster {
  readonly home = mkdtempSync(path.join(os.tmpdir(), 'evcharge-secure-'));
  readonly brokers: string[];
  /** The last `up`'s output and how long it took. */
  upOutput = '';
  upMs = 0;

  constructor(
    readonly basePort: number,
    readonly nodes: 1 | 3,
  ) {
    this.brokers = Array.from({ length: nodes }, (_, i) => `127.0.0.1:${basePort + i}`);
    const lib = path.join(process.env.EVCHARGE_KAFKA_HOME ?? path.join(REPO, '.kafka'), 'lib');
    if (!existsSync(lib)) throw new Error(`no Kafka jars at ${lib}: run \`npm run kafka:up\` once to fetch them`);
    symlinkSync(lib, path.join(this.home, 'lib'));
  }

  /** Runs scripts/kafka.mjs with this cluster's home and ports. */
  script(...args: string[]) {
    return spawnSync(process.execPath, [path.join(REPO, 'scripts', 'kafka.mjs'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, EVCHARGE_KAFKA_HOME: this.home, EVCHARGE_KAFKA_PORT: String(this.basePort), EVCHARGE_BROKERS: undefined },
    });
  }

  up(users: string[]): void {
    const started = Date.now();
    const r = this.script('up', '--secure', '--nodes', String(this.nodes), '--users', users.join(','));
    this.upMs = Date.now() - started;
    this.upOutput = r.stdout + r.stderr;
    if (r.status !== 0) throw new Error(`secure cluster did not start (exit ${r.status}):\n${this.upOutput}`);
  }

  get configPath(): string {
    return path.join(this.home, 'secure', 'kafka_config.yaml');
  }

  get caFile(): string {
    return path.join(this.home, 'secure', 'ca.pem');
  }

  passwordFile(user: string): string {
    return path.join(this.home, 'secure', 'users', `${user}.password`);
  }

  password(user: string): string {
    return readFileSync(this.passwordFile(user), 'utf8').trim();
  }

  /**
   * Kills every node (a throwaway cluster needs no clean shutdown: the last of three would wait
   * 10 s for a quorum that is gone) and removes the home (keys, data, logs) unless
   * EVCHARGE_KEEP_SECURE_HOME is set.
   */
  down(): void {
    for (let n = this.nodes; n >= 1; n--) this.script('kill-node', String(n));
    if (!process.env['EVCHARGE_KEEP_SECURE_HOME']) rmSync(this.home, { recursive: true, force: true });
  }
}
