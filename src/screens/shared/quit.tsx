import { useApp } from 'ink';
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';

/**
 * Quit requests from outside React (SIGTERM, SIGINT without a TTY, the CLI's abort signal).
 * A screen handles them like its own `q`; with no handler the runner simply unmounts.
 */
export class QuitRequests {
  private handler: (() => void) | null = null;
  private requested = 0;

  /** Returns false when no screen handles quit requests. */
  request(): boolean {
    this.requested++;
    if (!this.handler) return false;
    this.handler();
    return true;
  }

  /** How many times a quit was asked for (a second one forces the exit). */
  get count(): number {
    return this.requested;
  }

  set(handler: (() => void) | null): void {
    this.handler = handler;
  }

  /** Ctrl-C (the key or SIGINT) asked for the quit: the CLI exits 130. */
  interrupted = false;

  /** Told just before the screen exits (tests wait on it). */
  onExit: (() => void) | null = null;
}

const QuitContext = createContext<QuitRequests | null>(null);

/** The screen's quit requests, where a key handler marks a Ctrl-C. */
export function useQuitRequests(): QuitRequests | null {
  return useContext(QuitContext);
}

export function QuitProvider({ requests, children }: { requests: QuitRequests; children: ReactNode }) {
  return <QuitContext.Provider value={requests}>{children}</QuitContext.Provider>;
}

/**
 * Returns `quit()`, which runs `beforeExit` (if any) and then leaves the Ink app. Outside quit
 * requests (signals) call the same function.
 */
export function useQuit(onQuit?: () => boolean | void): () => void {
  const { exit } = useApp();
  const requests = useContext(QuitContext);
  const latest = useRef(onQuit);
  latest.current = onQuit;
  const requestsRef = useRef(requests);
  requestsRef.current = requests;
  const quit = useRef(() => {
    // A handler returning false keeps the screen open (it exits on its own later).
    if (latest.current?.() === false) return;
    requestsRef.current?.onExit?.();
    exit();
  }).current;
  useEffect(() => {
    requests?.set(quit);
    return () => requests?.set(null);
  }, [requests, quit]);
  return quit;
}
