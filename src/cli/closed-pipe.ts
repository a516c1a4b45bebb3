/**
 * `evcharge demo --no-tui | head -5`: once the reader has gone, a write fails with EPIPE. Like
 * other command-line tools, the program then ends quietly with exit 0 instead of crashing on an
 * unhandled 'error' event. Output to a closed stderr is dropped.
 */
export function endQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}
