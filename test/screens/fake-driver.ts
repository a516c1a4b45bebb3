import type { DriverCpView, DriverEventKind, DriverSnapshot } from '../../src/roles/driver/index.js';
import type { Ticket } from '../../src/protocol/index.js';
import { newCounters } from '../../src/roles/shared/counters.js';
import type { RoleEvent } from '../../src/roles/shared/events.js';
import { SnapshotStore } from '../../src/roles/shared/store.js';
import type { DriverRole } from '../../src/screens/driver/driver-role.js';

/**
 * A driver role whose snapshot the test sets: states the real network would take long to reach
 * (many CPs, a supply beside an earlier ticket), or holds still; `emit` adds an event-log line.
 */
export function fakeDriver(cps: DriverCpView[]) {
  const calls: string[] = [];
  let snap: DriverSnapshot = { id: 'DRIVER009', cps, pending: null, supply: null, lastAnswer: null, tickets: [], bus: { state: 'connected', brokers: ['embedded'] } };
  const store = new SnapshotStore<DriverSnapshot>(() => snap);
  const ticketWaiters = new Map<string, (t: Ticket) => void>();
  const listeners = new Set<(event: RoleEvent<DriverEventKind>) => void>();
  const role: DriverRole = {
    id: snap.id,
    store,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    counters: newCounters,
    busStatus: () => snap.bus,
    request: async (cpId) => {
      calls.push(`request(${cpId})`);
      return { granted: false, cpId, requestId: 'r1', code: 'cp-faulted', reason: 'charge point is faulted' };
    },
    stopSupply: async (sessionId) => {
      calls.push(`stopSupply(${sessionId ?? ''})`);
      return snap.supply ? { ok: true, text: 'stopping; the ticket follows' } : { ok: false, text: 'no supply in progress' };
    },
    ticketFor: (sessionId) => new Promise((resolve) => ticketWaiters.set(sessionId, resolve)),
  };
  return {
    ...role,
    calls,
    set(patch: Partial<DriverSnapshot>) {
      snap = { ...snap, ...patch };
      store.changed();
    },
    deliver(t: Ticket) {
      snap = { ...snap, supply: null, tickets: [...snap.tickets, t] };
      store.changed();
      ticketWaiters.get(t.sessionId)?.(t);
    },
    emit(at: number, kind: DriverEventKind, text: string) {
      for (const listener of listeners) listener({ at, kind, text, data: {} });
    },
  };
}
