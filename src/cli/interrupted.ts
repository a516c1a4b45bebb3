/**
 * Ctrl-C (SIGINT, or the key in a full-screen UI) ends a role cleanly, and the process then exits
 * 130, the shell's convention for "interrupted", through `node` and through `npx` alike (npm exits
 * 130 on SIGINT whatever its child does). SIGTERM, the service manager's stop, exits with the
 * role's own code (0 when it stopped cleanly).
 */
export const EXIT_INTERRUPTED = 130;

let interrupted = false;

export function noteInterrupt(): void {
  interrupted = true;
}

export function exitCodeAfter(code: number): number {
  return interrupted ? EXIT_INTERRUPTED : code;
}
