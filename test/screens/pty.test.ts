import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The real thing in a real pseudo-terminal: tmux runs the demo's central monitor, we read the
 * screen, press keys, and check that quitting leaves the alternate screen and shows the cursor.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..'); // dist/test/screens -> repo root
const TMUX = '/usr/bin/tmux';
const hasTmux = existsSync(TMUX);
const sessions: string[] = [];

function tmux(...args: string[]): string {
  return execFileSync(TMUX, args, { encoding: 'utf8' });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts `command` in a fresh tmux session (120×36); returns the screen reader and flags. */
function tmuxSession(command: string) {
  const name = `evcharge-pty-${process.pid}-${sessions.length}`;
  sessions.push(name);
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '36', `cd ${root} && env -u CI -u NO_COLOR TERM=xterm-256color ${command}; echo "exit=$?"; sleep 60`);
  return {
    name,
    screen: () => tmux('capture-pane', '-p', '-t', name),
    keys: (...k: string[]) => tmux('send-keys', '-t', name, ...k),
  };
}

async function runInTmux(command: string, title: RegExp): Promise<void> {
  const name = `evcharge-pty-${process.pid}-${sessions.length}`;
  sessions.push(name);
  // CI unset: Ink renders nothing but the last frame when it thinks it runs in CI.
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '36', `cd ${root} && env -u CI -u NO_COLOR TERM=xterm-256color ${command}; echo "exit=$?"; sleep 60`);
  const screen = () => tmux('capture-pane', '-p', '-t', name);
  const flag = (f: string) => tmux('display-message', '-p', '-t', name, `#{${f}}`).trim();

  await until('the CP tiles', () => /AVAILABLE|CHARGING/.test(screen()));
  const s = screen();
  assert.match(s, title);
  assert.match(s, /● available \d+/);
  assert.match(s, /q quit/);
  assert.equal(flag('alternate_on'), '1', 'the monitor runs on the alternate screen');
  // Root height rows - 1: the header stays on the first line.
  assert.match(s.split('\n')[0] ?? '', title);

  tmux('send-keys', '-t', name, '?');
  await until('the help overlay', () => /Help — /.test(screen()));
  assert.match(screen(), /stop every charge point/);
  tmux('send-keys', '-t', name, 'Escape');
  await until('the help closing', () => !/Help — /.test(screen()));

  tmux('send-keys', '-t', name, 'q');
  await until('the process exiting', () => /exit=0/.test(screen()));
  assert.equal(flag('alternate_on'), '0', 'the alternate screen is left');
  assert.equal(flag('cursor_flag'), '1', 'the cursor is shown again');
}

describe('in a real pseudo-terminal (tmux)', { skip: hasTmux ? false : 'tmux not installed' }, () => {
  after(() => {
    for (const s of sessions) {
      try {
        tmux('kill-session', '-t', s);
      } catch {
        // already gone
      }
    }
  });

  it('evcharge demo (the real binary): tiles, ? help, q restores the terminal', async () => {
    await runInTmux(`node ${join('dist', 'bin', 'evcharge.js')} demo`, /evcharge demo/);
  });

  it('keys typed in one read all count (tmux send-keys -l ll moves two tiles)', async () => {
    const t = tmuxSession(`node ${join('dist', 'bin', 'evcharge.js')} demo`);
    await until('the selection on CP001', () => /▸CP001/.test(t.screen()));
    t.keys('-l', 'll');
    await until('the selection two tiles on', () => /▸CP003/.test(t.screen()));
    t.keys('-l', 'hh');
    await until('the selection back', () => /▸CP001/.test(t.screen()));
    t.keys('q');
    await until('the process exiting', () => /exit=0/.test(t.screen()));
  });

  for (const [how, command] of [
    ['node dist/bin/evcharge.js', `node ${join('dist', 'bin', 'evcharge.js')} demo`],
    ['npx evcharge', 'npx --no-install evcharge demo'],
  ] as const) {
    it(`Ctrl-C quits the monitor with exit 130 through ${how}`, async () => {
      const t = tmuxSession(command);
      await until('the CP tiles', () => /AVAILABLE|CHARGING/.test(t.screen()), 30_000);
      t.keys('C-c');
      await until('the process exiting', () => /exit=\d+/.test(t.screen()));
      assert.match(t.screen(), /exit=130/);
    });
  }
});
