/**
 * One active central, any number of standbys: the election each central takes part in through
 * `Bus.lead`. The rule of what an active or a standby may do is central's (src/roles/central/
 * leadership.ts); this is only the mechanism's shape. The Kafka bus elects through a consumer
 * group and fences through a transactional producer (src/kafka/lease.ts); the embedded bus
 * grants the first campaigner and hands over when it leaves.
 */

/** Who a central process is, as others see it (header, doctor). */
export interface CentralIdentity {
  instanceId: string;
  host: string;
  pid: number;
  startedAt: number;
}

/** `failed`: the election cannot run (the brokers refuse its settings); `reason` says what to fix. */
export type LeaseRole = 'campaigning' | 'active' | 'standby' | 'failed' | 'closed';

export interface LeaseStatus {
  role: LeaseRole;
  /** Since when this process has held the role. */
  since: number;
  /** Why the role last changed (`elected`, `fenced by a newer active`, `lease lost`, ...). */
  reason: string;
}

export interface LeaseOptions {
  /** The election's name: the consumer group of the lease on Kafka. */
  group: string;
  identity: CentralIdentity;
  /**
   * How long a silent holder keeps the lease (the lease group's session timeout): a killed active
   * is replaced this long after its last heartbeat.
   */
  sessionTimeoutMs: number;
}

export interface Lease {
  status(): LeaseStatus;
  /**
   * Told on every change. `active`: every earlier active is fenced (its writes are refused from
   * now on) and this process may publish. Anything else: publishing on the main lane is refused
   * until this process is elected again.
   */
  onChange(listener: (status: LeaseStatus) => void): () => void;
  /** Leaves the election; an active process gives way at once. Safe to call twice. */
  close(): Promise<void>;
}

/** A publish by a process that does not hold the lease (or was fenced by a newer holder). */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  readonly retriable = false;
}
