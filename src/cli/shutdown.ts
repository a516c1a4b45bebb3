import { noteInterrupt } from './interrupted.js';

/**
 * SIGINT / SIGTERM handling shared by every role. The first signal aborts `signal`: the role then
 * finishes what it must (a driver still waits for its ticket, consumers leave their groups) and
 * returns. A second signal exits at once, for a user who does not want to wait.
 */
export class Shutdown {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    if (this.signal.aborted) {
      process.stderr.write(`\nevcharge: second ${sig}, exiting now\n`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    if (sig === 'SIGINT') noteInterrupt();
    this.controller.abort(sig);
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** Resolves at the first signal (or abort()). */
  get requested(): Promise<void> {
    if (this.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  abort(reason = 'done'): void {
    this.controller.abort(reason);
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
