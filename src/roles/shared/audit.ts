import type { Clock } from '../../bus/clock.js';
import type { AuditAction, PayloadOf } from '../../protocol/index.js';
import type { Outbox } from './outbox.js';

export type AuditEntry = PayloadOf<'audit.entry'>;

/** Refusals written one by one per second at most; the rest go in one summary entry. */
const REFUSALS_PER_SECOND = 10;

/**
 * A role's half of the audit trail (issue 12, part 3): what it writes to the `audit` topic, on the
 * outbox it is given (central's publishes only while it is active). A flood of forged records must
 * not become a flood of audit entries: past ten refusals in a second the rest are counted and said
 * once, in a summary that names their reasons.
 */
export class AuditTrail {
  private windowStart = 0;
  private inWindow = 0;
  private suppressed = new Map<string, number>();
  private summaryTimer: unknown = null;

  constructor(
    private readonly out: () => Outbox | null,
    private readonly by: string,
    private readonly principal: string | null,
    private readonly clock: Clock,
  ) {}

  write(action: AuditAction, target: string, result: AuditEntry['result'], detail: string): void {
    const out = this.out();
    if (!out) return;
    out.add('audit.entry', { by: this.by, principal: this.principal, action, target: target.slice(0, 200), result, detail: detail.slice(0, 500) });
  }

  /** A record this role refused: which topic, for whom, and why (bad-tag, unknown-key, replay, …). */
  refused(record: { topic: string; key: string | null; partition: number; offset: string }, reason: string): void {
    const now = this.clock.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (this.inWindow < REFUSALS_PER_SECOND) {
      this.inWindow++;
      this.write('auth-failure', `${record.topic} ${record.key ?? '(no key)'}`, 'refused', `${reason} (${record.topic}/${record.partition}/${record.offset})`);
      return;
    }
    const code = reason.split(':')[0] ?? 'refused';
    this.suppressed.set(code, (this.suppressed.get(code) ?? 0) + 1);
    this.summaryTimer ??= this.clock.setTimeout(() => this.summarise(), 1000);
  }

  private summarise(): void {
    this.summaryTimer = null;
    const counts = [...this.suppressed].map(([code, n]) => `${n} ${code}`);
    const total = [...this.suppressed.values()].reduce((a, b) => a + b, 0);
    this.suppressed = new Map();
    if (total === 0) return;
    this.write('auth-failure', '(many)', 'refused', `${total} more records refused in a second, not listed one by one: ${counts.join(', ')}`);
    void this.out()?.flush();
  }

  close(): void {
    if (this.summaryTimer !== null) this.clock.clearTimeout(this.summaryTimer);
    this.summaryTimer = null;
  }
}
