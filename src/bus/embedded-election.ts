import type { Lease, LeaseOptions, LeaseStatus } from './leadership.js';

/**
 * The election on the embedded bus: the first campaigner of a group is active, the others are
 * standbys, and when the active one leaves (or a test calls `handOver`) the longest-waiting
 * standby takes over. Everything runs in one process, so there is nothing to fence: the embedded
 * bus does not refuse a standby's publishes.
 */
export class EmbeddedElection {
  private readonly groups = new Map<string, EmbeddedLease[]>();

  campaign(options: LeaseOptions, now: () => number): Lease {
    const queue = this.groups.get(options.group) ?? [];
    this.groups.set(options.group, queue);
    const lease = new EmbeddedLease(now, () => this.leave(options.group, lease));
    queue.push(lease);
    // Asynchronous, as on Kafka: the campaigner subscribes to changes before the first one.
    queueMicrotask(() => lease.set(queue[0] === lease ? 'active' : 'standby', queue[0] === lease ? 'elected' : 'another central is active'));
    return lease;
  }

  /** The active lease of a group steps down and the next in line takes over (tests). */
  handOver(group: string): void {
    const queue = this.groups.get(group) ?? [];
    const old = queue.shift();
    if (!old) return;
    queue.push(old);
    old.set('standby', 'handed over');
    queue[0]?.set('active', 'elected');
  }

  private leave(group: string, lease: EmbeddedLease): void {
    const queue = this.groups.get(group) ?? [];
    const wasActive = queue[0] === lease;
    queue.splice(queue.indexOf(lease), 1);
    if (wasActive) queue[0]?.set('active', 'elected: the active central left');
  }
}

class EmbeddedLease implements Lease {
  private current: LeaseStatus;
  private readonly listeners = new Set<(s: LeaseStatus) => void>();

  constructor(
    private readonly now: () => number,
    private readonly onClose: () => void,
  ) {
    this.current = { role: 'campaigning', since: now(), reason: 'joining the election' };
  }

  status(): LeaseStatus {
    return this.current;
  }

  onChange(listener: (s: LeaseStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(role: LeaseStatus['role'], reason: string): void {
    if (this.current.role === 'closed' || this.current.role === role) return;
    this.current = { role, since: this.now(), reason };
    for (const l of this.listeners) l(this.current);
  }

  async close(): Promise<void> {
    if (this.current.role === 'closed') return;
    this.set('closed', 'left the election');
    this.onClose();
  }
}
