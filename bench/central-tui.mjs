#!/usr/bin/env node
// Central with its terminal UI, for the benchmark: the real central role over Kafka and the real
// CentralScreen rendered by Ink into a virtual 200x60 terminal (no TTY needed), timing every frame
// with Ink's onRender. The CLI does not wire the TUI for central yet, so the benchmark runs this
// instead of `evcharge central` when it measures "central with the TUI running".
//
//   node bench/central-tui.mjs --config FILE
//
// Prints JSON lines like `evcharge central --no-tui --json` does (serving, ...), and on SIGTERM a
// `tui-frames` line: frame count and render time percentiles.
import { Writable } from 'node:stream';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { ROOT } from './lib/env.mjs';

const dist = (p) => path.join(ROOT, 'dist', p);
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const out = (obj) => process.stdout.write(JSON.stringify({ at: Date.now(), ...obj }) + '\n');

const { loadConfig } = await import(dist('src/config/load-config.js'));
const { connectKafka } = await import(dist('src/kafka/connect.js'));
const { startCentral } = await import(dist('src/roles/central/index.js'));
const { centralGroups } = await import(dist('src/cli/connect-role.js'));
const { summarize } = await import(dist('src/sim/latency.js'));
// As `evcharge` does before it loads the screens: Ink reads CI once, at load, and would draw only
// the last frame; users get React's production build.
delete process.env.CI;
process.env.NODE_ENV ??= 'production';
let screen;
try {
  const React = (await import('react')).default;
  const { render } = await import('ink');
  const { CentralScreen } = await import(dist('src/screens/central/central-screen.js'));
  const { QuitProvider, QuitRequests } = await import(dist('src/screens/shared/quit.js'));
  const { ScreenEnvProvider } = await import(dist('src/screens/shared/screen-context.js'));
  screen = { React, render, CentralScreen, QuitProvider, QuitRequests, ScreenEnvProvider };
} catch (e) {
  out({ kind: 'tui-unavailable', reason: String(e) });
}

const config = loadConfig(arg('--config'));
const { bus } = await connectKafka(config, { who: { role: 'central' } });
const central = await startCentral({
  bus,
  groups: centralGroups(config),
  heartbeatTimeoutMs: config.heartbeatTimeoutMs,
  takeoverTimeoutMs: config.takeoverTimeoutMs,
  onEvent: (e) => {
    if (e.kind === 'serving' || e.kind === 'state-rebuilt') out({ kind: e.kind, ...e.data });
  },
});

/** A terminal that swallows what is drawn: Ink sees a TTY of a fixed size. */
class VirtualTerminal extends Writable {
  constructor(columns, rows) {
    super();
    this.columns = columns;
    this.rows = rows;
    this.isTTY = true;
    this.bytes = 0;
  }
  _write(chunk, _enc, cb) {
    this.bytes += chunk.length;
    cb();
  }
}
const stdin = Object.assign(new EventEmitter(), {
  isTTY: false,
  setRawMode() {},
  setEncoding() {},
  read() { return null; },
  ref() {},
  unref() {},
  resume() {},
  pause() {},
});

const frames = [];
let instance = null;
if (screen) {
  const { React, render, CentralScreen, QuitProvider, QuitRequests, ScreenEnvProvider } = screen;
  const terminal = new VirtualTerminal(200, 60);
  try {
    instance = render(
      React.createElement(
        ScreenEnvProvider,
        { color: true },
        React.createElement(QuitProvider, { requests: new QuitRequests() }, React.createElement(CentralScreen, { central, title: 'evcharge central (bench)' })),
      ),
      { stdout: terminal, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 30, onRender: ({ renderTime }) => frames.push(renderTime) },
    );
    out({ kind: 'tui-started', columns: terminal.columns, rows: terminal.rows });
  } catch (e) {
    out({ kind: 'tui-unavailable', reason: String(e) });
  }
}

let from = 0;
process.on('SIGUSR2', () => (from = frames.length)); // the benchmark marks the start of its window
const stop = async () => {
  const window = frames.slice(from);
  out({ kind: 'tui-frames', frames: window.length, renderMs: summarize(window) });
  instance?.unmount();
  await central.close();
  await bus.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
