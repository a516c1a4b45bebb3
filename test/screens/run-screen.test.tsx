import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { runCentralScreen } from '../../src/screens/central/run-central-screen.js';
import { ENTER_ALT_SCREEN, HIDE_CURSOR, LEAVE_ALT_SCREEN, SHOW_CURSOR, enterFullScreen } from '../../src/screens/shared/terminal.js';
import { stripAnsi, tick, waitFor } from './helpers.js';
import { startNetwork, type Network } from './net.js';

/** A terminal-like stdout: a TTY with a size, recording everything written. */
class FakeTty extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 30;
  out = '';
  write = (chunk: string, cb?: () => void) => {
    this.out += chunk;
    cb?.();
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  type(text: string) {
    this.data = text;
    this.emit('readable');
  }
}

describe('runScreen: full screen and the terminal given back', () => {
  let net: Network;
  before(async () => {
    net = await startNetwork();
  });
  after(() => net.close());

  it('enterFullScreen writes the alternate screen and hidden cursor; restore is idempotent', () => {
    const tty = new FakeTty();
    const restore = enterFullScreen(tty);
    assert.ok(tty.out.startsWith(ENTER_ALT_SCREEN));
    assert.ok(tty.out.includes(HIDE_CURSOR));
    restore();
    restore();
    assert.equal(tty.out.split(LEAVE_ALT_SCREEN).length, 2);
    assert.ok(tty.out.endsWith(SHOW_CURSOR + LEAVE_ALT_SCREEN));
    const pipe = new FakeTty();
    pipe.isTTY = false;
    enterFullScreen(pipe)();
    assert.equal(pipe.out, '', 'nothing for a pipe');
  });

  const start = (signal?: AbortSignal) => {
    const stdout = new FakeTty();
    const stdin = new FakeStdin();
    const done = runCentralScreen(net.central, {
      brokers: ['embedded'],
      title: 'evcharge test',
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      handleSignals: false,
      color: false,
      signal,
    });
    return { stdout, stdin, done };
  };

  it('q resolves after leaving the alternate screen', async () => {
    const { stdout, stdin, done } = start();
    await waitFor(() => assert.match(stripAnsi(stdout.out), /CP003/));
    assert.ok(stdout.out.startsWith(ENTER_ALT_SCREEN));
    // The root is rows - 1 tall: a frame never fills the terminal.
    const frame = stripAnsi(stdout.out.slice(stdout.out.lastIndexOf('evcharge test')));
    assert.ok(frame.split('\n').length <= stdout.rows, `${frame.split('\n').length} lines`);
    stdin.type('q');
    await done;
    assert.ok(stdout.out.endsWith(SHOW_CURSOR + LEAVE_ALT_SCREEN));
  });

  it('Ctrl-C quits too', async () => {
    const { stdout, stdin, done } = start();
    await waitFor(() => assert.match(stripAnsi(stdout.out), /CP003/));
    stdin.type('\u0003');
    await done;
    assert.ok(stdout.out.endsWith(SHOW_CURSOR + LEAVE_ALT_SCREEN));
  });

  it('the abort signal (the CLI\'s SIGTERM handling) quits and restores', async () => {
    const controller = new AbortController();
    const { stdout, done } = start(controller.signal);
    await waitFor(() => assert.match(stripAnsi(stdout.out), /CP003/));
    controller.abort();
    await done;
    assert.ok(stdout.out.endsWith(SHOW_CURSOR + LEAVE_ALT_SCREEN));
  });

  it('SIGTERM quits and restores when the screen handles signals', async () => {
    const listenersBefore = process.listenerCount('SIGTERM');
    const stdout = new FakeTty();
    const stdin = new FakeStdin();
    const done = runCentralScreen(net.central, { brokers: ['embedded'], stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, color: false });
    await waitFor(() => assert.match(stripAnsi(stdout.out), /CP003/));
    process.emit('SIGTERM', 'SIGTERM');
    await done;
    await tick();
    assert.ok(stdout.out.endsWith(SHOW_CURSOR + LEAVE_ALT_SCREEN));
    assert.ok(process.listenerCount('SIGTERM') <= listenersBefore, 'its listener is removed');
  });
});
