import type { CpRecord, MessageOf } from '../../protocol/index.js';
import { short, type CentralContext } from './context.js';
import { endSupply, stopOrphan } from './supply.js';

export function onRegister(ctx: CentralContext, msg: MessageOf<'cp.register'>): void {
  const p = msg.payload;
  const now = ctx.clock.now();
  const existing = ctx.table.get(p.cpId);
  const ack = (accepted: boolean, reason?: string, kid?: string) =>
    ctx.out.add('cp.register-ack', { cpId: p.cpId, instanceId: p.instanceId, accepted, ...(reason ? { reason } : {}), ...(kid !== undefined && { kid }) });

  // A second process may take a CP's id only once the first is provably gone: silent past the
  // timeout while central hears the CP's partition. Judged by central's view of the partition,
  // not the wall clock: a central that lagged (a busy event loop, a failover) has heartbeats
  // still unread, and must not hand the id to whoever registers first.
  const why = existing && existing.instanceId !== p.instanceId && existing.connected ? judgeSilence(ctx, existing, now) : 'silent';
  if (existing && why !== 'silent') {
    const recent = existing.lastHeartbeatAt !== null && now - existing.lastHeartbeatAt <= ctx.heartbeatTimeoutMs;
    if (!recent) {
      // Silent by the clock, but central cannot hear the CP's partition well enough to tell:
      // no answer yet. The new process asks again every few seconds and is answered once
      // central can tell (refusing would make a CP restarted during a failover give up).
      if (ctx.waitingRegistrations.get(p.cpId) !== p.instanceId) {
        ctx.waitingRegistrations.set(p.cpId, p.instanceId);
        ctx.events.emit('cp-undecided', `${p.cpId} registration by a new process (instance ${short(p.instanceId)}) waits: central cannot tell yet whether the running one (instance ${short(existing.instanceId)}) is gone (${why})`, {
          cpId: p.cpId,
          instanceId: p.instanceId,
          why,
        });
      }
      return;
    }
    const reason =
      `${p.cpId} is already registered by another running process (instance ${short(existing.instanceId)}) ` +
      `that is still sending heartbeats; stop it first`;
    ack(false, reason);
    ctx.events.emit('cp-register-refused', `${p.cpId} registration refused: ${reason}`, {
      cpId: p.cpId,
      instanceId: p.instanceId,
      reason,
    });
    return;
  }
  // After reset keys the same process registers again, with its credential, for a new key.
  if (existing && existing.instanceId === p.instanceId && existing.keysResetAt === undefined) {
    // A retry of a registration already applied: acknowledge again, change nothing else.
    ack(true, undefined, existing.kid);
    return;
  }
  if (existing?.supply) endSupply(ctx, existing, 'cp-restarted', existing.supply.kwh);
  const record: CpRecord = {
    id: p.cpId,
    location: p.location,
    pricePerKwh: p.pricePerKwh,
    maxKw: p.maxKw,
    instanceId: p.instanceId,
    ...(ctx.issueKid && { kid: ctx.issueKid(p.cpId) }),
    state: 'AVAILABLE',
    connected: true,
    // An operator's stop outlives the process: a restarted CP stays out of service.
    outOfService: existing?.outOfService ?? false,
    faulted: false,
    registeredAt: now,
    lastHeartbeatAt: now,
    supply: null,
    recentSessions: existing?.recentSessions ?? [],
    totals: existing?.totals ?? { sessions: 0, kwh: 0, eur: 0 },
    // The day's figures belong to the CP, not to one of its processes.
    ...(existing?.today && { today: existing.today }),
  };
  ctx.table.put(record);
  ctx.waitingRegistrations.delete(p.cpId);
  ctx.rebuiltAt.delete(p.cpId);
  ctx.awaitingFirstHeartbeat.set(p.cpId, now);
  ack(true, undefined, record.kid);
  if (record.outOfService) {
    ctx.out.add('cmd.set-service', { cpId: p.cpId, instanceId: p.instanceId, inService: false });
  }
  ctx.events.emit(
    'cp-registered',
    `${p.cpId} registered at ${p.location || '(no location)'}: ${p.pricePerKwh} €/kWh, ${p.maxKw} kW` +
      (existing ? ' (new process)' : ''),
    // kid: the session key's id (public, it is on cp-state too); tools that speak as a CP need it.
    { cpId: p.cpId, instanceId: p.instanceId, location: p.location, pricePerKwh: p.pricePerKwh, maxKw: p.maxKw, ...(record.kid !== undefined && { kid: record.kid }) },
  );
}

export function onHeartbeat(ctx: CentralContext, msg: MessageOf<'cp.heartbeat'>, partition: number): void {
  const p = msg.payload;
  const cp = ctx.table.get(p.cpId);
  if (!cp || cp.instanceId !== p.instanceId) return;
  const now = ctx.clock.now();
  ctx.heartbeatPartition.set(cp.id, partition);
  // A heartbeat replayed from a backlog says nothing about the CP being alive now.
  if (msg.ts < now - ctx.heartbeatTimeoutMs) return;
  cp.lastHeartbeatAt = now;
  ctx.awaitingFirstHeartbeat.delete(cp.id);
  if (!cp.connected) {
    cp.connected = true;
    ctx.rebuiltAt.delete(cp.id);
    ctx.table.touch(cp);
    ctx.events.emit('cp-reconnected', `${cp.id} is back (heartbeat received)`, { cpId: cp.id });
  }
  // The heartbeat carries the CP's own view; reconcile what a lost or reordered message left behind.
  if (p.status === 'faulted' && !cp.faulted) applyFault(ctx, cp, 'reported by heartbeat');
  if (p.status !== 'faulted' && cp.faulted) applyRecover(ctx, cp);
  if (p.status === 'supplying' && p.sessionId && cp.supply?.sessionId !== p.sessionId) {
    stopOrphan(ctx, cp, p.sessionId);
  }
  if (p.outOfService !== cp.outOfService) {
    const last = ctx.lastCorrection.get(cp.id) ?? -Infinity;
    if (now - last >= 2000) {
      ctx.lastCorrection.set(cp.id, now);
      ctx.out.add('cmd.set-service', { cpId: cp.id, instanceId: cp.instanceId, inService: !cp.outOfService });
    }
  }
}

export function onFault(ctx: CentralContext, msg: MessageOf<'cp.fault'>): void {
  const cp = ctx.table.get(msg.payload.cpId);
  if (!cp || cp.instanceId !== msg.payload.instanceId || cp.faulted) return;
  applyFault(ctx, cp, msg.payload.detail);
}

export function onRecover(ctx: CentralContext, msg: MessageOf<'cp.recover'>): void {
  const cp = ctx.table.get(msg.payload.cpId);
  if (!cp || cp.instanceId !== msg.payload.instanceId || !cp.faulted) return;
  applyRecover(ctx, cp);
}

function applyFault(ctx: CentralContext, cp: CpRecord, detail: string): void {
  cp.faulted = true;
  ctx.table.touch(cp);
  // The CP ends its supply itself and reports the final energy; the ticket comes from that.
  if (cp.supply && cp.supply.ending === null) cp.supply.ending = 'cp-fault';
  ctx.events.emit('cp-faulted', `${cp.id} FAULTED${detail ? `: ${detail}` : ''}`, { cpId: cp.id, detail });
}

function applyRecover(ctx: CentralContext, cp: CpRecord): void {
  cp.faulted = false;
  ctx.table.touch(cp);
  ctx.events.emit('cp-recovered', `${cp.id} recovered`, { cpId: cp.id });
}

/**
 * Runs on a timer: CPs silent for longer than the timeout become DISCONNECTED and their supply
 * ends with a ticket for what was delivered. CPs read back at a restart get one timeout to return.
 */
export function checkLiveness(ctx: CentralContext): void {
  // A central that took over (or started) judges no CP before it hears its own pulse: joining
  // the groups and finding the partitions' leaders can take longer than a heartbeat timeout.
  if (ctx.hearingSince === null) return;
  const now = ctx.clock.now();
  reportStalls(ctx, now);
  for (const cp of ctx.table.all()) {
    if (cp.connected) {
      const verdict = judgeSilence(ctx, cp, now);
      if (verdict !== 'silent') {
        reportUndecided(ctx, cp, verdict, now);
        continue;
      }
      ctx.undecided.delete(cp.id);
      cp.connected = false;
      ctx.table.touch(cp);
      ctx.events.emit('cp-disconnected', `${cp.id} DISCONNECTED (no heartbeat for ${ctx.heartbeatTimeoutMs} ms)`, {
        cpId: cp.id,
        lastHeartbeatAt: cp.lastHeartbeatAt,
      });
      if (cp.supply) endSupply(ctx, cp, 'cp-disconnected', cp.supply.kwh);
      continue;
    }
    // Central cannot hear this CP's partition right now: nothing is decided about it.
    if (ctx.partitions.stalled(ctx.heartbeatPartition.get(cp.id), now)) continue;
    const rebuilt = ctx.rebuiltAt.get(cp.id);
    const since = rebuilt === undefined ? undefined : Math.max(rebuilt, ctx.hearingSince);
    if (cp.supply && (since === undefined || now - since > ctx.heartbeatTimeoutMs)) {
      endSupply(ctx, cp, 'cp-disconnected', cp.supply.kwh);
    }
  }
}

/**
 * Tells the operator, once per silence, about a CP silent for two timeouts that central cannot
 * judge yet, and why: the CP stays CONNECTED on screen while nothing is heard from it.
 */
function reportUndecided(ctx: CentralContext, cp: CpRecord, verdict: string, now: number): void {
  const silentMs = cp.lastHeartbeatAt === null ? 0 : now - cp.lastHeartbeatAt;
  if (verdict === 'heard' || silentMs <= 2 * ctx.heartbeatTimeoutMs) {
    ctx.undecided.delete(cp.id);
    return;
  }
  // Said again when the reason changes (numbers aside): what holds the judgement is the news.
  const gist = verdict.replace(/\d+/g, '#');
  if (ctx.undecided.get(cp.id) === gist) return;
  ctx.undecided.set(cp.id, gist);
  ctx.events.emit('cp-undecided', `${cp.id} silent for ${Math.round(silentMs / 1000)} s, not judged yet: ${verdict}`, { cpId: cp.id, silentMs, why: verdict });
}

/** Tells the operator when central stops (and starts again) hearing some health partitions. */
function reportStalls(ctx: CentralContext, now: number): void {
  const stalled = ctx.partitions.takeStallChange(now);
  if (stalled === null) return;
  const key = stalled.join(', ');
  const line =
    stalled.length > 0
      ? `central hears nothing on health partition${stalled.length > 1 ? 's' : ''} ${key}: the CPs there are not judged until it flows again`
      : 'every health partition flows again';
  ctx.events.emit('health-stalled', line, { partitions: stalled });
}

/**
 * 'heard' (within the timeout), 'silent' (provably), or why central cannot tell yet.
 * A connected CP is gone for certain: silent past the heartbeat timeout while central hears its
 * partition. Nothing is provable before central hears its own pulse (just started or took over:
 * joining the groups and finding leaders can take longer than a timeout), nor while the CP's
 * partition is stalled (broker failover, outage, backlog), nor for a timeout after it flows again.
 */
function judgeSilence(ctx: CentralContext, cp: CpRecord, now: number): string {
  if (ctx.hearingSince === null) return 'central does not hear its own pulse yet';
  const partition = ctx.heartbeatPartition.get(cp.id);
  if (ctx.partitions.stalled(partition, now)) return `health partition ${partition ?? '?'} is stalled`;
  const registered = ctx.awaitingFirstHeartbeat.get(cp.id);
  const flowing = ctx.partitions.flowingSince(partition);
  const heardAt = Math.max(
    cp.lastHeartbeatAt ?? -Infinity,
    flowing ?? -Infinity,
    ctx.hearingSince,
    registered === undefined ? -Infinity : registered + ctx.heartbeatTimeoutMs,
  );
  if (now - heardAt <= ctx.heartbeatTimeoutMs) {
    if (heardAt === cp.lastHeartbeatAt) return 'heard';
    return heardAt === flowing ? `health partition ${partition} flows again only since ${Math.round(now - heardAt)} ms` : 'central took over or started recently';
  }
  // Silence proves something only while the partition was seen flowing well after the CP's last
  // sign. A partition taken away by a rebalance (an old active waking and rejoining) ticks last
  // just after it, and is only seen stalled a moment later: wait for that.
  const tickAt = partition === undefined ? undefined : ctx.partitions.lastTick(partition);
  if (tickAt !== undefined && tickAt - heardAt < ctx.heartbeatTimeoutMs - ctx.partitions.stallAfterMs) {
    return `central's last tick on health partition ${partition} came ${Math.round(now - tickAt)} ms ago, too soon after the CP's last sign`;
  }
  return 'silent';
}
