import {
  chargeTicket,
  localDay,
  TICKET_REASON_TEXT,
  type CpEndReason,
  type CpRecord,
  type MessageOf,
  type Ticket,
  type TicketReason,
} from '../../protocol/index.js';
import { short, type CentralContext } from './context.js';

const RECENT_SESSIONS = 5;

const FROM_CP_REASON: Record<CpEndReason, TicketReason> = {
  unplugged: 'unplugged',
  stopped: 'central-stop',
  faulted: 'cp-fault',
};

/**
 * Closes a CP's open supply and sends its driver the ticket. It is the only place a ticket is
 * made, and it runs only while the supply is open, so each session gets exactly one.
 */
export function endSupply(ctx: CentralContext, cp: CpRecord, reason: TicketReason, finalKwh: number): Ticket | null {
  const supply = cp.supply;
  if (!supply) return null;
  const charge = chargeTicket(Math.max(finalKwh, supply.kwh), supply.pricePerKwh);
  const ticket: Ticket = {
    sessionId: supply.sessionId,
    cpId: cp.id,
    driverId: supply.driverId,
    startedAt: supply.startedAt,
    endedAt: ctx.clock.now(),
    kwh: charge.kwh,
    pricePerKwh: charge.pricePerKwh,
    totalEur: charge.totalEur,
    reason,
  };
  sendProgress(ctx, supply.sessionId); // the last reading goes before the ticket
  ctx.out.add('driver.ticket', { driverId: ticket.driverId, ticket });
  cp.recentSessions = [
    ...cp.recentSessions.slice(-(RECENT_SESSIONS - 1)),
    { requestId: supply.requestId, sessionId: supply.sessionId, driverId: supply.driverId },
  ];
  cp.totals = {
    sessions: cp.totals.sessions + 1,
    kwh: Math.round((cp.totals.kwh + ticket.kwh) * 1000) / 1000,
    eur: Math.round((cp.totals.eur + ticket.totalEur) * 100) / 100,
  };
  const day = localDay(ticket.endedAt);
  const today = cp.today?.day === day ? cp.today : { day, sessions: 0, kwh: 0, eur: 0 };
  cp.today = {
    day,
    sessions: today.sessions + 1,
    kwh: Math.round((today.kwh + ticket.kwh) * 1000) / 1000,
    eur: Math.round((today.eur + ticket.totalEur) * 100) / 100,
  };
  ctx.table.closeSupply(cp);
  ctx.rebuiltAt.delete(cp.id);
  ctx.events.emit(
    'supply-ended',
    `${cp.id} supply for ${ticket.driverId} ended (${TICKET_REASON_TEXT[reason]}): ` +
      `${ticket.kwh.toFixed(3)} kWh × ${ticket.pricePerKwh} €/kWh = ${ticket.totalEur.toFixed(2)} €`,
    { ...ticket },
  );
  return ticket;
}

/** Queues the pending `driver.progress` of one session (or of every session) for publishing. */
export function sendProgress(ctx: CentralContext, sessionId?: string): void {
  if (sessionId !== undefined) {
    const p = ctx.pendingProgress.get(sessionId);
    if (p) ctx.out.add('driver.progress', p);
    ctx.pendingProgress.delete(sessionId);
    return;
  }
  for (const p of ctx.pendingProgress.values()) ctx.out.add('driver.progress', p);
  ctx.pendingProgress.clear();
}

/** Asks the CP to stop its supply; the ticket follows when the CP reports the final energy. */
export function requestStop(ctx: CentralContext, cp: CpRecord, reason: TicketReason): void {
  const supply = cp.supply;
  if (!supply) return;
  if (supply.ending === null) {
    supply.ending = reason;
    ctx.table.touch(cp);
  }
  ctx.out.add('cmd.stop-supply', { cpId: cp.id, instanceId: cp.instanceId, sessionId: supply.sessionId });
}

/** The CP is supplying a session central does not have open: tell it to stop. */
export function stopOrphan(ctx: CentralContext, cp: CpRecord, sessionId: string): void {
  const now = ctx.clock.now();
  const last = ctx.lastCorrection.get(`${cp.id}/${sessionId}`) ?? -Infinity;
  if (now - last < 2000) return;
  ctx.lastCorrection.set(`${cp.id}/${sessionId}`, now);
  ctx.out.add('cmd.stop-supply', { cpId: cp.id, instanceId: cp.instanceId, sessionId });
  ctx.events.emit('orphan-supply', `${cp.id} is supplying unknown session ${short(sessionId)}; told it to stop`, {
    cpId: cp.id,
    sessionId,
  });
}

function openSupplyFor(ctx: CentralContext, cpId: string, instanceId: string, sessionId: string) {
  const cp = ctx.table.get(cpId);
  if (!cp || cp.instanceId !== instanceId) return { cp: undefined, supply: undefined };
  const supply = cp.supply?.sessionId === sessionId ? cp.supply : undefined;
  return { cp, supply };
}

export function onSupplyStarted(ctx: CentralContext, msg: MessageOf<'supply.started'>): void {
  const p = msg.payload;
  const { cp, supply } = openSupplyFor(ctx, p.cpId, p.instanceId, p.sessionId);
  if (!cp) return;
  if (!supply) return stopOrphan(ctx, cp, p.sessionId);
  if (supply.confirmed) {
    ctx.counters.duplicates++;
    return;
  }
  supply.confirmed = true;
  ctx.table.touch(cp);
  ctx.out.add('driver.supply-started', {
    driverId: supply.driverId,
    sessionId: supply.sessionId,
    cpId: cp.id,
    startedAt: supply.startedAt,
    pricePerKwh: supply.pricePerKwh,
  });
  ctx.events.emit('supply-started', `${cp.id} started supplying ${supply.driverId}`, {
    cpId: cp.id,
    driverId: supply.driverId,
    sessionId: supply.sessionId,
  });
}

export function onTelemetry(ctx: CentralContext, msg: MessageOf<'supply.telemetry'>): void {
  const p = msg.payload;
  const { cp, supply } = openSupplyFor(ctx, p.cpId, p.instanceId, p.sessionId);
  if (!cp || !supply) return;
  if (p.seq <= supply.lastSeq) {
    ctx.counters.duplicates++;
    return;
  }
  const rebaseline = ctx.rebaselined.delete(supply.sessionId);
  if (p.seq > supply.lastSeq + 1 && !rebaseline) {
    ctx.telemetryGaps++;
    ctx.events.emit(
      'telemetry-gap',
      `${cp.id} telemetry gap: expected seq ${supply.lastSeq + 1}, got ${p.seq}`,
      { cpId: cp.id, sessionId: supply.sessionId, expected: supply.lastSeq + 1, got: p.seq },
    );
  }
  supply.lastSeq = p.seq;
  const confirming = !supply.confirmed;
  supply.confirmed = true;
  supply.kw = p.kw;
  // Energy is cumulative, so a gap loses no energy; money is recomputed at central's price.
  supply.kwh = Math.max(supply.kwh, p.kwh);
  supply.eur = chargeTicket(supply.kwh, supply.pricePerKwh).totalEur;
  if (confirming) ctx.table.touch(cp);
  else ctx.table.touchLive(cp);
  ctx.pendingProgress.set(supply.sessionId, {
    driverId: supply.driverId,
    sessionId: supply.sessionId,
    cpId: cp.id,
    seq: p.seq,
    kw: supply.kw,
    kwh: supply.kwh,
    eur: supply.eur,
  });
}

export function onSupplyEnded(ctx: CentralContext, msg: MessageOf<'supply.ended'>): void {
  const p = msg.payload;
  const { cp, supply } = openSupplyFor(ctx, p.cpId, p.instanceId, p.sessionId);
  // Not open any more (already ticketed, or never ours): nothing to do, and no second ticket.
  if (!cp || !supply) return;
  const reason = p.reason === 'faulted' ? 'cp-fault' : (supply.ending ?? FROM_CP_REASON[p.reason]);
  endSupply(ctx, cp, reason, p.kwh);
}
