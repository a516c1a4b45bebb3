import { randomUUID } from 'node:crypto';
import type { Bus, IncomingRecord, Subscription } from '../../bus/bus.js';
import type { CentralIdentity } from '../../bus/leadership.js';
import { localDay, type Message } from '../../protocol/index.js';
import { onDriverStop, onRequest } from './authorization.js';
import type { CentralContext } from './context.js';
import { checkLiveness, onFault, onHeartbeat, onRecover, onRegister } from './cp-lifecycle.js';
import { adoptRecord } from './leadership.js';
import type { StateTail } from './state-tail.js';
import { Pulse } from './pulse.js';
import { onSupplyEnded, onSupplyStarted, onTelemetry, sendProgress } from './supply.js';

function dispatch(ctx: CentralContext, self: string, message: Message, partition: number): void {
  switch (message.type) {
    case 'cp.register': return onRegister(ctx, message);
    case 'cp.heartbeat': return onHeartbeat(ctx, message, partition);
    case 'central.tick':
      // Only this central's own ticks say that a partition flows to it.
      if (message.payload.instanceId !== undefined && message.payload.instanceId !== self) return;
      ctx.hearingSince ??= ctx.clock.now();
      return ctx.partitions.tick(partition, message.payload.index, ctx.clock.now());
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

export interface TermOptions {
  bus: Bus;
  ctx: CentralContext;
  tail: StateTail;
  identity: CentralIdentity;
  mainGroup: string;
  sessionTimeoutMs: number;
  markers: number;
  syncTimeoutMs: number;
  /** Decodes consumed records (dead-letters malformed ones on ctx.out). */
  decode: (records: IncomingRecord[]) => { message: Message; record: IncomingRecord }[];
  /** The table changed (the store re-reads it). */
  changed: () => void;
  /** Still the active one? Checked between the steps of taking over. */
  stillActive: () => boolean;
}

export interface Term {
  /** Publishes what changed and flushes (an intent's effects). */
  commit(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One term of office of the active central: announce itself, catch up with cp-state (its own
 * markers read back), adopt every CP from it, then serve cp-register, auth-request, telemetry and
 * health, publishing each changed CP's state once per batch. Resolves null when the lease was lost
 * before it could serve.
 */
export async function startTerm(options: TermOptions): Promise<{ term: Term; complete: boolean; cps: number } | null> {
  const { bus, ctx, tail, identity } = options;
  const { clock } = ctx;
  const ticks = new Pulse(bus, clock, ctx.counters, identity.instanceId);
  let subscription: Subscription | null = null;
  let livenessTimer: unknown = null;
  let tickTimer: unknown = null;
  let closed = false;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (livenessTimer !== null) clock.clearInterval(livenessTimer);
    if (tickTimer !== null) clock.clearInterval(tickTimer);
    // Outboxes first: a batch handler waiting on a publish that can no longer succeed (the lease
    // is gone) must give up, or closing the subscription would wait for it for ever.
    ctx.out.close();
    ticks.close();
    await subscription?.close();
  };

  /** After any change: publish the changed CPs' state, update the store, flush in order. */
  const commit = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (ctx.pendingProgress.size > 0) sendProgress(ctx);
    for (const cp of ctx.table.takeChanged(clock.now())) ctx.out.add('cp.state', cp);
    if (ctx.table.takeViewChange()) options.changed();
    return ctx.out.flush();
  };
  /** Batches of several partitions are handled at once: their outputs go out in one publish. */
  let soon: Promise<void> | null = null;
  const commitSoon = (): Promise<void> =>
    (soon ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      soon = null;
      return commit();
    }));

  // 1. Say who leads now, and read cp-state up to here: the announcement and the markers go out
  //    in this central's first transaction, after the fencing of every earlier active one.
  const nonce = randomUUID();
  const synced = tail.waitForMarkers(nonce, options.markers, options.syncTimeoutMs);
  ctx.out.add('central.active', { instanceId: identity.instanceId, host: identity.host, pid: identity.pid, since: clock.now() }, randomUUID());
  for (let index = 0; index < options.markers; index++) ctx.out.add('state.sync-marker', { nonce, index });
  await ctx.out.flush();
  const complete = await synced;
  if (closed || !options.stillActive()) return (await close(), null);

  // 2. Adopt the network as the last active central committed it.
  const now = clock.now();
  ctx.table.clear();
  for (const record of tail.records.values()) {
    ctx.table.put(adoptRecord(record, now));
    ctx.rebuiltAt.set(record.id, now);
  }
  ctx.table.discardChanges(); // nothing to re-publish: this is what cp-state says
  // Their live figures on cp-state may be a few seconds old: the next reading of each is the new
  // baseline, not a gap in the CP's telemetry.
  ctx.rebaselined.clear();
  for (const cp of ctx.table.all()) if (cp.supply) ctx.rebaselined.add(cp.supply.sessionId);
  ctx.partitions = ctx.partitions.renewed();
  ctx.heartbeatPartition.clear();
  ctx.hearingSince = null;
  options.changed();

  // 3. Serve.
  const handle = async (records: IncomingRecord[]): Promise<void> => {
    for (const { message, record } of options.decode(records)) {
      try {
        dispatch(ctx, identity.instanceId, message, record.partition);
      } catch (error) {
        // A bug must not turn one message into an endless redelivery loop: report it and go on.
        ctx.events.emit('handler-error', `could not apply ${message.type}: ${String(error)}`, { type: message.type, id: message.id, error: String(error) });
      }
    }
    await commitSoon();
  };
  subscription = await bus.subscribe(
    // From the beginning when the group has committed nothing yet (a new network): records written
    // while the first central was starting are not skipped. Later starts resume where it stopped.
    { group: options.mainGroup, topics: ['cp-register', 'auth-request', 'telemetry', 'health'], commit: true, fromBeginning: true, sessionTimeoutMs: options.sessionTimeoutMs, sessionSettingKey: 'central.takeover_timeout_ms' },
    handle,
  );
  if (closed || !options.stillActive()) return (await close(), null);
  await subscription.ready;
  // Central's pulse on every health partition: what PartitionWatch judges liveness against.
  const pulse = () => {
    ticks.send(ctx.partitions.nextTicks());
  };
  // At once, then every second: nothing is judged about CPs before the first tick comes back.
  pulse();
  tickTimer = clock.setInterval(pulse, 1000);
  let day = localDay(clock.now());
  livenessTimer = clock.setInterval(() => {
    checkLiveness(ctx);
    // "Today" in the totals changes at midnight even when nothing else does.
    if (localDay(clock.now()) !== day) {
      day = localDay(clock.now());
      options.changed();
    }
    void commit();
  }, Math.max(100, Math.min(500, Math.floor(ctx.heartbeatTimeoutMs / 4))));
  await commit();
  return { term: { commit, close }, complete, cps: ctx.table.size };
}
