import { chargeTicket } from '../../protocol/index.js';
import type { IntentResult } from '../shared/role.js';
import { base, type CpContext } from './context.js';
import { endSupply, sendTelemetry } from './supply.js';
import type { LocalSupply, MeterReading, ResumedSupply } from './types.js';

/** The bounds the telemetry schemas accept (protocol/payloads.ts): a reading past them is refused here, not at central. */
const MAX_KW = 10_000;
const MAX_KWH = 1_000_000;

function openExternalSupply(ctx: CpContext): LocalSupply | string {
  if (!ctx.external) return `${ctx.id} has its own meter`;
  return ctx.supply ?? `${ctx.id} has no supply open`;
}

function takeEnergy(ctx: CpContext, supply: LocalSupply, kwh: number): void {
  // A station's energy register only grows: a lower figure (a glitch, a reading sent twice out of
  // order) never takes back energy already reported to central.
  supply.kwh = Math.max(supply.kwh, kwh);
  supply.eur = chargeTicket(supply.kwh, ctx.cfg.pricePerKwh).totalEur;
}

/** Tells central the supply has started, once: the station started it (or its meter runs). */
function announce(ctx: CpContext, supply: LocalSupply): void {
  if (supply.announced) return;
  supply.announced = true;
  supply.startedAt = ctx.clock.now();
  ctx.out.add('supply.started', { ...base(ctx), sessionId: supply.sessionId, driverId: supply.driverId, startedAt: supply.startedAt });
}

/** The station started the supply central ordered (OCPP's StartTransaction): central and the driver are told. */
export function stationStarted(ctx: CpContext): IntentResult {
  const supply = openExternalSupply(ctx);
  if (typeof supply === 'string') return { ok: false, text: supply };
  announce(ctx, supply);
  return { ok: true, text: `${ctx.id} started supplying ${supply.driverId}` };
}

/** An external station's reading of the open supply: it becomes the next telemetry record. */
export function reading(ctx: CpContext, r: MeterReading): IntentResult {
  const supply = openExternalSupply(ctx);
  if (typeof supply === 'string') return { ok: false, text: supply };
  announce(ctx, supply);
  if (!(Number.isFinite(r.kw) && r.kw >= 0 && r.kw <= MAX_KW) || !(Number.isFinite(r.kwh) && r.kwh >= 0 && r.kwh <= MAX_KWH)) {
    return { ok: false, text: `${ctx.id}: reading out of range (${r.kw} kW, ${r.kwh} kWh)` };
  }
  supply.kw = Math.round(r.kw * 100) / 100;
  takeEnergy(ctx, supply, r.kwh);
  sendTelemetry(ctx);
  return { ok: true, text: `${ctx.id}: ${supply.kw} kW, ${supply.kwh} kWh` };
}

/**
 * The station ended the open supply with `kwh` on its meter since the start. Ended because central
 * asked: `stopped` (central bills it under its own reason); otherwise the vehicle left: `unplugged`.
 */
export function stationEnded(ctx: CpContext, kwh: number): IntentResult {
  const supply = openExternalSupply(ctx);
  if (typeof supply === 'string') return { ok: false, text: supply };
  if (Number.isFinite(kwh) && kwh >= 0 && kwh <= MAX_KWH) takeEnergy(ctx, supply, kwh);
  const reason = ctx.stopAsked === supply.sessionId ? 'stopped' : 'unplugged';
  endSupply(ctx, reason);
  return { ok: true, text: `${ctx.id} supply ended at the station (${reason})` };
}

/**
 * An external station goes on with a supply another process of this CP started (central has it
 * open): the supply is open here again, with no `supply.started` (central would take it as a new
 * one) and nothing asked of the station, which is already charging.
 */
export function resumeSupply(ctx: CpContext, r: ResumedSupply): IntentResult {
  if (!ctx.external) return { ok: false, text: `${ctx.id} has its own meter: only an external station's supply can be taken over` };
  if (ctx.supply?.sessionId === r.sessionId) return { ok: true, text: `${ctx.id} is already supplying session ${r.sessionId.slice(0, 8)}` };
  if (ctx.supply) return { ok: false, text: `${ctx.id} is supplying session ${ctx.supply.sessionId.slice(0, 8)}, not ${r.sessionId.slice(0, 8)}` };
  if (ctx.ended.has(r.sessionId)) return { ok: false, text: `session ${r.sessionId.slice(0, 8)} already ended here` };
  if (!(Number.isSafeInteger(r.seqBase) && r.seqBase >= 0)) return { ok: false, text: `${ctx.id}: seqBase must be a whole number >= 0, got ${r.seqBase}` };
  ctx.supply = { sessionId: r.sessionId, driverId: r.driverId, startedAt: r.startedAt, kw: 0, kwh: 0, eur: 0, seq: r.seqBase - 1, announced: true };
  ctx.accruedTo = ctx.clock.now();
  if (r.stopAsked) ctx.stopAsked = r.sessionId;
  ctx.events.emit('supply-resumed', `${ctx.id} goes on supplying ${r.driverId} (session ${r.sessionId.slice(0, 8)}), taken over from another process`, {
    sessionId: r.sessionId,
    driverId: r.driverId,
    seqBase: r.seqBase,
  });
  return { ok: true, text: `${ctx.id} resumed session ${r.sessionId.slice(0, 8)}` };
}
