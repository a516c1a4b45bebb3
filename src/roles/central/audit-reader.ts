import type { Bus, Subscription } from '../../bus/bus.js';
import { AuditLog } from './audit-log.js';

/**
 * Central's reading of the audit topic, for its audit view (active and standby alike): a group of
 * this process only that never commits and starts from the beginning, so every central shows the
 * whole trail the topic still holds (its retention), of which the log keeps the most recent
 * entries. It reads the bus below the record seals: audit records are signed, never encrypted,
 * and whoever reads them has not the writers' keys (the log takes the seal off unchecked). A
 * record that is no audit entry is counted; nothing read here can stop central.
 */
export class AuditReader {
  readonly log = new AuditLog();
  private subscription: Subscription | null = null;

  constructor(
    private readonly bus: Bus,
    private readonly group: string,
    private readonly changed: () => void,
    private readonly sessionTimeoutMs?: number,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(
      { group: this.group, topics: ['audit'], fromBeginning: true, commit: false, ...(this.sessionTimeoutMs && { sessionTimeoutMs: this.sessionTimeoutMs, sessionSettingKey: 'central.takeover_timeout_ms' }) },
      async (records) => {
        let any = false;
        for (const record of records) {
          try {
            if (this.log.take(record)) any = true;
          } catch {
            // readAuditRecord does not throw; a record it cannot read is counted there.
          }
        }
        if (any) this.changed();
      },
    );
    await this.subscription.ready;
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = null;
  }
}
