import type { IncomingRecord, Subscription } from '../../bus/bus.js';
import { systemClock } from '../../bus/clock.js';
import { CP_STATES, localDay, type CpState, type Message } from '../../protocol/index.js';
import { busStatusText, watchBus } from '../shared/bus-status.js';
import { newCounters } from '../shared/counters.js';
import { EventFeed } from '../shared/events.js';
import { Inbox } from '../shared/inbox.js';
import { Outbox } from '../shared/outbox.js';
import type { IntentResult, Role } from '../shared/role.js';
import { SnapshotStore } from '../shared/store.js';
import { onDriverStop, onRequest } from './authorization.js';
import { newContextMaps, type CentralContext } from './context.js';
import { checkLiveness, onFault, onHeartbeat, onRecover, onRegister } from './cp-lifecycle.js';
import { CpTable } from './cp-table.js';
import { resumeCps, stopCps } from './operator.js';
import { rebuildFromCpState } from './rebuild.js';
import { PartitionWatch } from './partition-watch.js';
import { onSupplyEnded, onSupplyStarted, onTelemetry, sendProgress } from './supply.js';
import type { CentralEventKind, CentralOptions, CentralSnapshot, CentralTotals } from './types.js';

export interface Central extends Role<CentralSnapshot, CentralEventKind> {
  /** Operator: stop one CP or `all`. */
  stop(target: string): Promise<IntentResult>;
  /** Operator: resume one CP or `all`. */
  resume(target: string): Promise<IntentResult>;
  /** Telemetry sequence gaps seen so far. */
  telemetryGaps(): number;
}

function dispatch(ctx: CentralContext, message: Message, partition: number): void {
  switch (message.type) {
    case 'cp.register': return onRegister(ctx, message);
    case 'cp.heartbeat': return onHeartbeat(ctx, message, partition);
    case 'central.tick': return ctx.partitions.tick(partition, message.payload.index, ctx.clock.now());
    case 'cp.fault': return onFault(ctx, message);
    case 'cp.recover': return onRecover(ctx, message);
    case 'driver.request': return onRequest(ctx, message);
    case 'driver.stop': return onDriverStop(ctx, message);
    case 'supply.started': return onSupplyStarted(ctx, message);
    case 'supply.telemetry': return onTelemetry(ctx, message);
    case 'supply.ended': return onSupplyEnded(ctx, message);
    default: return; // other types are valid but not central's to handle
  }
}

/**
 * Starts central: rebuilds its CPs and open supplies from cp-state, then serves cp-register,
 * auth-request, telemetry and health, publishing each changed CP's state once per batch.
 */
export async function startCentral(options: CentralOptions): Promise<Central> {
  const { bus } = options;
  const clock = options.clock ?? systemClock;
  const counters = newCounters();
  const events = new EventFeed<CentralEventKind>(() => clock.now());
  // Listening from the first moment: events of the start itself (rebuild, registration) count too.
  if (options.onEvent) events.on(options.onEvent);
  const out = new Outbox(bus, clock, 'central', counters, (error, attempt) => {
    if (attempt === 1) events.emit('publish-error', `publish failed, retrying: ${String(error)}`, { error: String(error) });
  });
  // Ticks travel on the bus's pulse lane, as CP heartbeats do: what reaches central on a
  // partition is judged by records sent the same way.
  const ticks = new Outbox(bus, clock, 'central', counters, () => {}, { lane: 'pulse' });
  const inbox = new Inbox({
    counters,
    outbox: out,
    onMalformed: (record, reason) =>
      events.emit('malformed', `malformed record on ${record.topic} (key ${record.key ?? '-'}): ${reason}`, {
        topic: record.topic,
        key: record.key,
        offset: record.offset,
        reason,
      }),
  });
  const table = new CpTable();
  const ctx: CentralContext = {
    clock,
    table,
    out,
    events,
    counters,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 3000,
    requestTtlMs: options.requestTtlMs ?? 30_000,
    telemetryGaps: 0,
    partitions: new PartitionWatch(Math.min(2000, Math.floor(((options.heartbeatTimeoutMs ?? 3000) * 2) / 3))),
    heartbeatPartition: new Map<string, number>(),
    ...newContextMaps(),
  };
  let phase: CentralSnapshot['phase'] = 'rebuilding';
  const store = new SnapshotStore<CentralSnapshot>(() => ({
    phase,
    cps: table.views(),
    totals: totalsOf(table.views(), localDay(clock.now())),
    bus: bus.status(),
  }));
  const unwatch = watchBus(bus, (status) => {
    events.emit('bus-status', busStatusText(status), { ...status });
    store.changed();
  });

  /** After any change: publish the changed CPs' state, update the store, flush in order. */
  const commit = (): Promise<void> => {
    if (ctx.pendingProgress.size > 0) sendProgress(ctx);
    if (table.hasChanges()) {
      for (const cp of table.takeChanged()) out.add('cp.state', cp);
      store.changed();
    }
    return out.flush();
  };
  /** Batches of several partitions are handled at once: their outputs go out in one publish. */
  let soon: Promise<void> | null = null;
  const commitSoon = (): Promise<void> =>
    (soon ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      soon = null;
      return commit();
    }));

  const rebuilt = await rebuildFromCpState({
    bus,
    clock,
    group: options.groups.state,
    inbox,
    outbox: out,
    markers: options.syncMarkers ?? 32,
    timeoutMs: options.rebuildTimeoutMs ?? 15_000,
  });
  const now = clock.now();
  for (const record of rebuilt.records.values()) {
    // Known, but not live until it heartbeats again; an open supply gets one timeout to resume.
    table.put({ ...record, connected: false, supply: record.supply ? { ...record.supply } : null });
    ctx.rebuiltAt.set(record.id, now);
  }
  events.emit(
    'state-rebuilt',
    `rebuilt ${rebuilt.records.size} charge points from cp-state` + (rebuilt.complete ? '' : ' (timed out; may be partial)'),
    { cps: rebuilt.records.size, complete: rebuilt.complete },
  );

  let subscription: Subscription | null = null;
  let closed = false;
  const handle = async (records: IncomingRecord[]): Promise<void> => {
    for (const { message, record } of inbox.decodeEach(records)) {
      try {
        dispatch(ctx, message, record.partition);
      } catch (error) {
        // A bug must not turn one message into an endless redelivery loop: report it and go on.
        events.emit('handler-error', `could not apply ${message.type}: ${String(error)}`, { type: message.type, id: message.id, error: String(error) });
      }
    }
    await commitSoon();
  };
  subscription = await bus.subscribe(
    { group: options.groups.main, topics: ['cp-register', 'auth-request', 'telemetry', 'health'], commit: true },
    handle,
  );
  await subscription.ready;
  // Central's pulse on every health partition: what PartitionWatch judges liveness against.
  const tickTimer = clock.setInterval(() => {
    for (const index of ctx.partitions.nextTickIndexes()) ticks.add('central.tick', { index });
    void ticks.flush();
  }, 1000);
  let day = localDay(clock.now());
  const livenessTimer = clock.setInterval(() => {
    checkLiveness(ctx);
    // "Today" in the totals changes at midnight even when nothing else does.
    if (localDay(clock.now()) !== day) {
      day = localDay(clock.now());
      store.changed();
    }
    void commit();
  }, Math.max(100, Math.min(500, Math.floor(ctx.heartbeatTimeoutMs / 4))));
  phase = 'serving';
  await commit();
  store.changed();
  events.emit('serving', `central serving (${table.size} charge points known)`, { cps: table.size });

  const intent = async (result: IntentResult): Promise<IntentResult> => {
    await commit();
    return result;
  };

  return {
    store,
    onEvent: (listener) => events.on(listener),
    counters: () => ({ ...counters }),
    busStatus: () => bus.status(),
    telemetryGaps: () => ctx.telemetryGaps,
    stop: (target) => intent(stopCps(ctx, target)),
    resume: (target) => intent(resumeCps(ctx, target)),
    close: async () => {
      if (closed) return;
      closed = true;
      clock.clearInterval(livenessTimer);
      clock.clearInterval(tickTimer);
      unwatch();
      await subscription?.close();
      out.close();
      ticks.close();
      phase = 'closed';
      store.changed();
    },
  };
}

function totalsOf(cps: CentralSnapshot['cps'], day: string): CentralTotals {
  const today = { sessions: 0, kwh: 0, eur: 0 };
  const byState = Object.fromEntries(CP_STATES.map((s) => [s, 0])) as Record<CpState, number>;
  let openSupplies = 0;
  let sessions = 0;
  let kwh = 0;
  let eur = 0;
  for (const cp of cps) {
    byState[cp.state]++;
    if (cp.supply) openSupplies++;
    sessions += cp.totals.sessions;
    kwh += cp.totals.kwh;
    eur += cp.totals.eur;
    if (cp.today?.day === day) {
      today.sessions += cp.today.sessions;
      today.kwh += cp.today.kwh;
      today.eur += cp.today.eur;
    }
  }
  return {
    byState,
    openSupplies,
    sessions,
    kwh: Math.round(kwh * 1000) / 1000,
    eur: Math.round(eur * 100) / 100,
    today: { sessions: today.sessions, kwh: Math.round(today.kwh * 1000) / 1000, eur: Math.round(today.eur * 100) / 100 },
  };
}
