import { createInterface } from 'node:readline';

export interface StdinLinesOptions {
  /** Called once at end of input, after every line before it was answered. */
  onEnd?: () => void;
  /** Default process.stdin (tests pass a stream of their own). */
  input?: NodeJS.ReadableStream;
}

/**
 * Feeds each non-empty line of stdin to `onLine`, one at a time: a line waits until the answer
 * to the one before it (the promise `onLine` returns) is settled, so answers come in the order
 * asked. A role without `onEnd` keeps running at end of input (CI, `nohup`, `< /dev/null`).
 */
export function readStdinLines(onLine: (line: string) => unknown, opts: StdinLinesOptions = {}): () => void {
  const rl = createInterface({ input: opts.input ?? process.stdin, terminal: false });
  let turn: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const after = (work: () => unknown) => {
    turn = turn.then(work).catch(() => undefined);
  };
  rl.on('line', (line) => {
    const trimmed = line.trim();
    if (trimmed) after(() => (stopped ? undefined : onLine(trimmed)));
  });
  rl.on('close', () => {
    if (opts.onEnd) after(() => (stopped ? undefined : opts.onEnd?.()));
  });
  return () => {
    stopped = true;
    rl.close();
  };
}
