import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled binary, as users run it. */
export const REPO = process.env.EVCHARGE_REPO ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = path.join(REPO, 'dist', 'bin', 'evcharge.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `evcharge args...` to completion (bounded by timeoutMs) and collects its output. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`evcharge ${args.join(' ')} did not finish in ${options.timeoutMs ?? 20000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Starts `evcharge args...` and leaves it running; pair with waitForOutput and stop. With `netns`,
 * it runs inside that network namespace (a test host): `ip netns exec` execs node in place, so
 * the child is the role itself and signals reach it directly.
 */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, netns?: string): ChildProcessWithoutNullStreams {
  const options = { cwd: REPO, env: { ...process.env, ...env } };
  if (netns) return spawn('ip', ['netns', 'exec', netns, process.execPath, BIN, ...args], options);
  return spawn(process.execPath, [BIN, ...args], options);
}
