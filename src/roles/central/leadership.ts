import { localClock, type CpRecord } from '../../protocol/index.js';
import type { CentralIdentity } from '../../bus/leadership.js';
import type { IntentResult } from '../shared/role.js';
import type { ActiveCentral } from './state-tail.js';

/**
 * What central may do in each role of the election. The active central decides everything; a
 * standby keeps a warm copy of the state (from cp-state), shows it, and changes nothing: every
 * intent that would change something is refused, naming the central that can do it.
 */

export function activeName(active: ActiveCentral | null): string {
  return active ? `${active.host} pid ${active.pid}` : 'not known yet';
}

export function readOnlyRefusal(active: ActiveCentral | null): IntentResult {
  return { ok: false, text: `standby: read-only, the active central is ${activeName(active)}` };
}


/** `active: host pid 123 since 21:33:10`: who serves the network, as a standby sees it. */
export function activeSummary(active: ActiveCentral | null): string {
  return active ? `active: ${active.host} pid ${active.pid} since ${localClock(active.since)}` : 'the active central has not announced itself yet';
}

export function standbyLine(active: ActiveCentral | null): string {
  return `standby · ${activeSummary(active)}`;
}

/**
 * A CP as a central that takes over (or starts) adopts it from cp-state. Its connection is taken
 * as recorded, and a connected CP's silence is counted from now: a change of central is no reason
 * to call a CP DISCONNECTED, while one that really died is, one heartbeat timeout later.
 */
export function adoptRecord(record: CpRecord, now: number): CpRecord {
  return {
    ...record,
    lastHeartbeatAt: record.connected ? now : record.lastHeartbeatAt,
    supply: record.supply ? { ...record.supply } : null,
    recentSessions: record.recentSessions.map((s) => ({ ...s })),
    totals: { ...record.totals },
    ...(record.today && { today: { ...record.today } }),
  };
}

/** The last line of the operator's `status`: who is active, seen from here. */
export function leadershipLine({ leadership: { role, self, active } }: { leadership: { role: string; self: CentralIdentity; active: ActiveCentral | null } }): string {
  if (role === 'active') return `central: active, this process (${self.host} pid ${self.pid})`;
  return `central: ${role}, the active central is ${activeName(active)}`;
}
