import { createInterface } from 'node:readline';

/**
 * Calls `onLine` for each non-empty line of stdin. EOF just ends the feed: a role fed from a
 * closed stdin (CI, `nohup`, `< /dev/null`) keeps running.
 */
export function readStdinLines(onLine: (line: string) => void): () => void {
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    const trimmed = line.trim();
    if (trimmed) onLine(trimmed);
  });
  return () => rl.close();
}
