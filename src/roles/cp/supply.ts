import type { CpEndReason, PayloadOf } from '../../protocol/index.js';
import type { IntentResult } from '../shared/role.js';
import { base, flush, type CpContext } from './context.js';
import { factsOf } from './facts.js';
import { accrue } from './meter.js';
import { startVerdict } from './rules.js';
import type { EndedSupply, LocalSupply } from './types.js';

export function onStart(ctx: CpContext, p: PayloadOf<'cmd.start-supply'>): void {
  const verdict = startVerdict(factsOf(ctx), p.sessionId, ctx.ended.has(p.sessionId));
  if (verdict.kind === 'ignore') return;
  if (verdict.kind === 'refuse') return refuseSession(ctx, p.sessionId, verdict.reason, verdict.why);
  const now = ctx.clock.now();
  ctx.supply = { sessionId: p.sessionId, driverId: p.driverId, startedAt: now, kw: 0, kwh: 0, eur: 0, seq: -1, announced: !ctx.external };
  ctx.accruedTo = now;
  // An external station's supply starts when the station says so (external-meter.ts, stationStarted).
  if (!ctx.external) ctx.out.add('supply.started', { ...base(ctx), sessionId: p.sessionId, driverId: p.driverId, startedAt: now });
  // An external station's meter sends telemetry reading by reading (external-meter.ts).
  if (!ctx.external) ctx.telemetryTimer = ctx.clock.setInterval(() => sendTelemetry(ctx), ctx.telemetryMs);
  ctx.events.emit('supply-started', `${ctx.id} supplying ${p.driverId} (session ${p.sessionId.slice(0, 8)})`, { sessionId: p.sessionId, driverId: p.driverId });
  ctx.external?.supplyStarted(p.sessionId, p.driverId);
}

export function onStop(ctx: CpContext, p: PayloadOf<'cmd.stop-supply'>): void {
  if (ctx.supply?.sessionId === p.sessionId && ctx.external) return askStationToStop(ctx, p.sessionId);
  if (ctx.supply?.sessionId === p.sessionId) endSupply(ctx, 'stopped');
  else refuseSession(ctx, p.sessionId, 'stopped', 'no such supply');
}

/**
 * An external station ends the supply itself, with its own final meter (it reports it through
 * `stationEnded`); asked again (a redelivered command) it is asked again.
 */
function askStationToStop(ctx: CpContext, sessionId: string): void {
  ctx.stopAsked = sessionId;
  ctx.events.emit('stop-requested', `${ctx.id} asked by central to stop session ${sessionId.slice(0, 8)}`, { sessionId });
  ctx.external?.stopRequested(sessionId);
}

/** The simulated meter brings the open supply's energy up to now; an external one has its own. */
function bringUpToDate(ctx: CpContext, supply: LocalSupply, now: number): void {
  if (!ctx.external) accrue(supply, ctx.accruedTo, now, ctx.cfg);
}

/** The vehicle is unplugged at the CP. */
export function unplug(ctx: CpContext): IntentResult {
  return endSupply(ctx, 'unplugged') ? { ok: true, text: `${ctx.id} unplugged` } : { ok: false, text: 'nothing is plugged in' };
}

/** One meter reading of the open supply, to central. */
export function sendTelemetry(ctx: CpContext): void {
  const supply = ctx.supply;
  if (!supply) return;
  const now = ctx.clock.now();
  bringUpToDate(ctx, supply, now);
  ctx.accruedTo = now;
  supply.seq++;
  ctx.out.add('supply.telemetry', { ...base(ctx), sessionId: supply.sessionId, seq: supply.seq, kw: supply.kw, kwh: supply.kwh, eur: supply.eur });
  ctx.events.emit(
    'telemetry',
    `${ctx.id} supplying ${supply.driverId}: ${supply.kw.toFixed(1)} kW, ${supply.kwh.toFixed(3)} kWh, ${supply.eur.toFixed(2)} €`,
    { sessionId: supply.sessionId, seq: supply.seq, kw: supply.kw, kwh: supply.kwh, eur: supply.eur },
  );
  void flush(ctx);
}

/** Ends the local supply, if any, and tells central the final energy. */
export function endSupply(ctx: CpContext, reason: CpEndReason): EndedSupply | null {
  const supply = ctx.supply;
  if (!supply) return null;
  const now = ctx.clock.now();
  bringUpToDate(ctx, supply, now);
  if (ctx.telemetryTimer !== null) ctx.clock.clearInterval(ctx.telemetryTimer);
  ctx.telemetryTimer = null;
  ctx.stopAsked = null;
  const payload = { ...base(ctx), sessionId: supply.sessionId, seq: supply.seq + 1, kwh: supply.kwh, reason, endedAt: now };
  ctx.ended.set(supply.sessionId, payload);
  ctx.out.add('supply.ended', payload);
  const last: EndedSupply = { sessionId: supply.sessionId, driverId: supply.driverId, startedAt: supply.startedAt, endedAt: now, kwh: supply.kwh, eur: supply.eur, reason };
  ctx.lastSupply = last;
  ctx.events.emit('supply-ended', `${ctx.id} supply for ${supply.driverId} ended (${reason}): ${supply.kwh.toFixed(3)} kWh, ${supply.eur.toFixed(2)} €`, { ...last });
  ctx.supply = null;
  return last;
}

/** Answers a start or stop that cannot be honoured with an immediate zero-energy end. */
function refuseSession(ctx: CpContext, sessionId: string, reason: CpEndReason, why: string): void {
  const previous = ctx.ended.get(sessionId);
  if (previous) return ctx.out.add('supply.ended', previous); // same answer as before
  const payload = { ...base(ctx), sessionId, seq: 0, kwh: 0, reason, endedAt: ctx.clock.now() };
  ctx.ended.set(sessionId, payload);
  ctx.out.add('supply.ended', payload);
  ctx.events.emit('command-refused', `${ctx.id} refused session ${sessionId.slice(0, 8)}: ${why}`, { sessionId, reason: why });
}

/**
 * Central has already ended the supply and billed it (reset keys): the CP stops supplying and
 * writes no end of its own, which central would refuse under the revoked key anyway.
 */
export function dropSupply(ctx: CpContext, why: string): void {
  const supply = ctx.supply;
  if (!supply) return;
  const now = ctx.clock.now();
  bringUpToDate(ctx, supply, now);
  if (ctx.telemetryTimer !== null) ctx.clock.clearInterval(ctx.telemetryTimer);
  ctx.telemetryTimer = null;
  ctx.stopAsked = null;
  const last: EndedSupply = { sessionId: supply.sessionId, driverId: supply.driverId, startedAt: supply.startedAt, endedAt: now, kwh: supply.kwh, eur: supply.eur, reason: 'stopped' };
  ctx.lastSupply = last;
  ctx.events.emit('supply-ended', `${ctx.id} supply for ${supply.driverId} ended: ${why}`, { ...last, why });
  ctx.supply = null;
}
