import type { CpRecord, MessageOf } from '../../protocol/index.js';
import { short, type CentralContext } from './context.js';
import { endSupply, stopOrphan } from './supply.js';

/** Heartbeating within the timeout: a second process may not take this CP's id. */
function isLive(ctx: CentralContext, cp: CpRecord): boolean {
  return cp.lastHeartbeatAt !== null && ctx.clock.now() - cp.lastHeartbeatAt <= ctx.heartbeatTimeoutMs;
}

export function onRegister(ctx: CentralContext, msg: MessageOf<'cp.register'>): void {
  const p = msg.payload;
  const now = ctx.clock.now();
  const existing = ctx.table.get(p.cpId);
  const ack = (accepted: boolean, reason?: string) =>
    ctx.out.add('cp.register-ack', { cpId: p.cpId, instanceId: p.instanceId, accepted, ...(reason ? { reason } : {}) });

  if (existing && existing.instanceId !== p.instanceId && existing.connected && isLive(ctx, existing)) {
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
  if (existing && existing.instanceId === p.instanceId) {
    // A retry of a registration already applied: acknowledge again, change nothing else.
    ack(true);
    return;
  }
  if (existing?.supply) endSupply(ctx, existing, 'cp-restarted', existing.supply.kwh);
  const record: CpRecord = {
    id: p.cpId,
    location: p.location,
    pricePerKwh: p.pricePerKwh,
    maxKw: p.maxKw,
    instanceId: p.instanceId,
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
  };
  ctx.table.put(record);
  ctx.rebuiltAt.delete(p.cpId);
  ctx.awaitingFirstHeartbeat.set(p.cpId, now);
  ack(true);
  if (record.outOfService) {
    ctx.out.add('cmd.set-service', { cpId: p.cpId, instanceId: p.instanceId, inService: false });
  }
  ctx.events.emit(
    'cp-registered',
    `${p.cpId} registered at ${p.location || '(no location)'}: ${p.pricePerKwh} €/kWh, ${p.maxKw} kW` +
      (existing ? ' (new process)' : ''),
    { cpId: p.cpId, instanceId: p.instanceId, location: p.location, pricePerKwh: p.pricePerKwh, maxKw: p.maxKw },
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
  const hearing = ctx.hearingSince;
  const now = ctx.clock.now();
  for (const cp of ctx.table.all()) {
    // Central cannot hear this CP's partition right now (broker failover, outage, backlog):
    // its silence proves nothing, so nothing is decided about it until the partition flows.
    const partition = ctx.heartbeatPartition.get(cp.id);
    if (ctx.partitions.stalled(partition, now)) continue;
    if (cp.connected) {
      const registered = ctx.awaitingFirstHeartbeat.get(cp.id);
      const heardAt = Math.max(
        cp.lastHeartbeatAt ?? -Infinity,
        ctx.partitions.flowingSince(partition) ?? -Infinity,
        hearing,
        registered === undefined ? -Infinity : registered + ctx.heartbeatTimeoutMs,
      );
      if (now - heardAt > ctx.heartbeatTimeoutMs) {
        // Silence proves something only while the partition was seen flowing well after the CP's
        // last sign. A partition taken away by a rebalance (an old active waking and rejoining)
        // ticks last just after it, and is only seen stalled a moment later: wait for that.
        const tickAt = partition === undefined ? undefined : ctx.partitions.lastTick(partition);
        if (tickAt !== undefined && tickAt - heardAt < ctx.heartbeatTimeoutMs - ctx.partitions.stallAfterMs) continue;
        cp.connected = false;
        ctx.table.touch(cp);
        ctx.events.emit('cp-disconnected', `${cp.id} DISCONNECTED (no heartbeat for ${ctx.heartbeatTimeoutMs} ms)`, {
          cpId: cp.id,
          lastHeartbeatAt: cp.lastHeartbeatAt,
        });
        if (cp.supply) endSupply(ctx, cp, 'cp-disconnected', cp.supply.kwh);
      }
      continue;
    }
    const rebuilt = ctx.rebuiltAt.get(cp.id);
    const since = rebuilt === undefined ? undefined : Math.max(rebuilt, hearing);
    if (cp.supply && (since === undefined || now - since > ctx.heartbeatTimeoutMs)) {
      endSupply(ctx, cp, 'cp-disconnected', cp.supply.kwh);
    }
  }
}
