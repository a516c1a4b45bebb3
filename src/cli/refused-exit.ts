import type { AccessRefusedError } from '../bus/bus.js';
import { EXIT_USAGE } from './usage-error.js';

/**
 * The brokers refused a running role something it needs (an ACL is missing): nothing it can retry
 * makes it work, and a role that went on without, say, its commands would only look alive. It says
 * what was refused and how to grant it, on one line, and exits 2 (a TUI's terminal is restored on
 * exit). Consumers are not left first: the brokers drop them when their sessions end.
 */
export function exitRefused(role: string, error: AccessRefusedError): never {
  process.stderr.write(`evcharge ${role}: ${error.message}\n`);
  process.exit(EXIT_USAGE);
}
