/**
 * The alternate screen buffer and the cursor, written by hand (Ink 6 has no option for them).
 * `enterFullScreen` returns an idempotent `restore`, also run on process exit and before an
 * uncaught error is printed, so the terminal is given back on every exit path.
 */
export const ENTER_ALT_SCREEN = '\u001B[?1049h';
export const LEAVE_ALT_SCREEN = '\u001B[?1049l';
export const HIDE_CURSOR = '\u001B[?25l';
export const SHOW_CURSOR = '\u001B[?25h';
export const CLEAR_HOME = '\u001B[2J\u001B[H';

export interface TerminalOut {
  isTTY?: boolean;
  write(chunk: string): boolean;
}

export function enterFullScreen(stdout: TerminalOut, opts: { force?: boolean } = {}): () => void {
  if (!stdout.isTTY && !opts.force) return () => {};
  let restored = false;
  stdout.write(ENTER_ALT_SCREEN + CLEAR_HOME + HIDE_CURSOR);
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    process.off('uncaughtExceptionMonitor', restore);
    try {
      stdout.write(SHOW_CURSOR + LEAVE_ALT_SCREEN);
    } catch {
      // stdout may already be gone while the process exits
    }
  };
  process.on('exit', restore);
  // Runs before Node prints an uncaught error, so the trace lands on the normal screen.
  process.on('uncaughtExceptionMonitor', restore);
  return restore;
}
