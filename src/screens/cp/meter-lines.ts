import type { ChargePointSnapshot } from '../../roles/cp/index.js';
import { firstFit, segmentsWidth, type Segment } from '../shared/fit.js';
import { fmtElapsed, fmtEur, fmtKw, fmtKwh, fmtPrice } from '../shared/format.js';

type Supply = NonNullable<ChargePointSnapshot['supply']>;
type LastSupply = NonNullable<ChargePointSnapshot['lastSupply']>;

const plain = (text: string): Segment => ({ text });
const bold = (text: string): Segment => ({ text, bold: true });
const fit = (forms: Segment[][], width: number): Segment[] => firstFit(forms, width, segmentsWidth);

/**
 * The meter's text lines for `width` columns: each one has shorter forms that keep every figure
 * (fewer words first); only the location, put last in the short form, may be cut.
 */
export function placeLine(snap: ChargePointSnapshot, width: number): Segment[] {
  const speed = snap.speed !== 1 ? ` · speed ×${snap.speed}` : '';
  return fit(
    [
      [plain(`${snap.location} · ${fmtPrice(snap.pricePerKwh)} · max ${fmtKw(snap.maxKw)}${speed}`)],
      [plain(`${fmtPrice(snap.pricePerKwh)} · max ${fmtKw(snap.maxKw)}${speed.replace('speed ', '')} · ${snap.location}`)],
    ],
    width,
  );
}

export function supplyingLine(s: Supply, width: number): Segment[] {
  return fit(
    [
      [plain('supplying '), bold(s.driverId), { text: ` session ${s.sessionId.slice(0, 8)}`, dim: true }],
      [plain('supplying '), bold(s.driverId)],
    ],
    width,
  );
}

export function energyLine(s: Supply, now: number, width: number): Segment[] {
  const kwh = bold(fmtKwh(s.kwh));
  const eur = bold(fmtEur(s.eur));
  const elapsed = fmtElapsed(now - s.startedAt);
  return fit(
    [
      [plain('energy '), kwh, plain(' · cost '), eur, plain(` · elapsed ${elapsed}`)],
      [kwh, plain(' · '), eur, plain(` · ${elapsed}`)],
    ],
    width,
  );
}

export function lastSupplyLine(last: LastSupply, width: number): Segment[] {
  const figures = `${last.driverId} ${fmtKwh(last.kwh)} · ${fmtEur(last.eur)} · ${fmtElapsed(last.endedAt - last.startedAt)}`;
  return fit([[plain(`last supply: ${figures} (${last.reason})`)], [plain(`last: ${figures} (${last.reason})`)], [plain(`last: ${figures}`)]], width);
}
