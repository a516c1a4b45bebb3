import { chargeTicket } from '../../protocol/index.js';
import type { IntentResult } from '../shared/role.js';
import type { CpContext } from './context.js';
import { endSupply, sendTelemetry } from './supply.js';
import type { LocalSupply, MeterReading } from './types.js';

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

/** An external station's reading of the open supply: it becomes the next telemetry record. */
export function reading(ctx: CpContext, r: MeterReading): IntentResult {
  const supply = openExternalSupply(ctx);
  if (typeof supply === 'string') return { ok: false, text: supply };
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
