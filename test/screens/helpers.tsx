import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import type { Clock } from '../../src/bus/clock.js';
import { QuitProvider, QuitRequests } from '../../src/screens/shared/quit.js';
import { ScreenEnvProvider } from '../../src/screens/shared/screen-context.js';

export const ESC = '\u001B';
export const KEYS = {
  up: `${ESC}[A`,
  down: `${ESC}[B`,
  right: `${ESC}[C`,
  left: `${ESC}[D`,
  enter: '\r',
  escape: ESC,
  backspace: '\u007F',
  ctrlC: '\u0003',
  pageDown: `${ESC}[6~`,
};

export interface Rendered extends ReturnType<typeof render> {
  resize(columns: number, rows: number): void;
  frame(): string;
  press(...keys: string[]): Promise<void>;
  /** Resolves when the screen quits (q, Ctrl-C). */
  exited: Promise<void>;
  quits: QuitRequests;
}

/**
 * ink-testing-library's render with the screen env (colour, clock) and a terminal size: its fake
 * stdout is 100 columns with no rows, so both are set on the instance and a resize is emitted.
 */
export function renderScreen(element: ReactElement, opts: { columns?: number; rows?: number; color?: boolean; clock?: Clock } = {}): Rendered {
  const quits = new QuitRequests();
  let exitedResolve: () => void = () => {};
  const exited = new Promise<void>((resolve) => (exitedResolve = resolve));
  quits.onExit = () => exitedResolve();
  const r = render(
    <ScreenEnvProvider color={opts.color ?? false} clock={opts.clock}>
      <QuitProvider requests={quits}>{element}</QuitProvider>
    </ScreenEnvProvider>,
  );
  const stdout = r.stdout as unknown as { columns: number; rows: number; emit(e: string): void };
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
    stdout.emit('resize');
  };
  resize(opts.columns ?? 100, opts.rows ?? 30);
  // React renders what a key changed on a later turn of the event loop (its scheduler uses
  // setImmediate), which a bare setTimeout(0) may beat: the next key would then be handled by the
  // previous render's handler, as if typed before the first one had any effect.
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await rendered();
    }
    await rendered();
  };
  return Object.assign(r, { resize, frame: () => r.lastFrame() ?? '', press, exited, quits });
}

export const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** After the render React scheduled for what just happened (a key, a resize) has run. */
export const rendered = () => new Promise<void>((resolve) => setImmediate(() => setTimeout(resolve, 0)));

/** Polls until `check` passes (real time), then returns; throws the last failure on timeout. */
export async function waitFor(check: () => void, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
      await tick(20);
    }
  }
}

/** ANSI colour codes (foreground/background, 8/16/256/true colour). */
export const COLOUR_CODE = /\u001B\[(?:[0-9;]*;)?(?:3[0-79]|4[0-79]|9[0-7]|10[0-7]|38;[25];[0-9;]+|48;[25];[0-9;]+)m/;

export function stripAnsi(text: string): string {
  return text.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');
}

export { advance, testNet, type TestNet } from '../helpers/embedded-net.js';
