import { render } from 'ink';
import type { ReactElement } from 'react';
import type { Clock } from '../../bus/clock.js';
import { QuitProvider, QuitRequests } from './quit.js';
import { ScreenEnvProvider, colorFromEnv } from './screen-context.js';
import { enterFullScreen } from './terminal.js';

/** What every `run…Screen` accepts besides the role object. */
export interface ScreenOptions {
  /** Shown in the header (`--brokers`); the bus status also names them. */
  brokers: string[];
  /** Header title, e.g. `evcharge demo`. */
  title?: string;
  /** Aborting it quits the screen like `q` (the CLI's Ctrl-C / SIGTERM handling). */
  signal?: AbortSignal;
  /** Defaults: process.stdout / process.stdin. */
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Default: on unless NO_COLOR is set and non-empty. */
  color?: boolean;
  /** Default: the system clock. */
  clock?: Clock;
  /** Listen to SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

/**
 * Renders `element` full screen on the alternate buffer and resolves when it exits (q, Ctrl-C,
 * SIGTERM, the abort signal), after the terminal has been restored; rejects (also after restoring)
 * if the screen crashed.
 */
/** How a screen ended: `interrupted` when Ctrl-C (the key or SIGINT) ended it. */
export interface ScreenExit {
  interrupted: boolean;
}

export async function runScreen(element: ReactElement, options: ScreenOptions): Promise<ScreenExit> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const requests = new QuitRequests();
  const restore = enterFullScreen(stdout);
  let instance: ReturnType<typeof render> | null = null;
  const onSigint = () => {
    requests.interrupted = true;
    onQuitRequest();
  };
  const onQuitRequest = () => {
    // The first request quits the way `q` does; a second one (or no handler) unmounts at once.
    if (requests.count >= 1 || !requests.request()) instance?.unmount();
  };
  const signals = options.handleSignals !== false;
  if (signals) {
    process.on('SIGTERM', onQuitRequest);
    process.on('SIGINT', onSigint);
  }
  options.signal?.addEventListener('abort', onQuitRequest);
  try {
    instance = render(
      <ScreenEnvProvider color={options.color ?? colorFromEnv()} clock={options.clock}>
        <QuitProvider requests={requests}>{element}</QuitProvider>
      </ScreenEnvProvider>,
      { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: 30 },
    );
    if (options.signal?.aborted) onQuitRequest();
    await instance.waitUntilExit();
    return { interrupted: requests.interrupted };
  } finally {
    if (signals) {
      process.off('SIGTERM', onQuitRequest);
      process.off('SIGINT', onSigint);
    }
    options.signal?.removeEventListener('abort', onQuitRequest);
    instance?.cleanup();
    restore();
  }
}
