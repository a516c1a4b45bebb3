import { randomUUID } from 'node:crypto';
import { DENIAL_TEXT, type CpRecord, type DenialCode, type MessageOf, type PayloadOf } from '../../protocol/index.js';
import { short, type CentralContext } from './context.js';
import { requestStop } from './supply.js';

/** The authorization rule: null means grant. Order: the most specific reason first. */
export function denialFor(cp: CpRecord | undefined, driverBusy: boolean): DenialCode | null {
  if (!cp) return 'unknown-cp';
  if (driverBusy) return 'driver-already-charging';
  switch (cp.state) {
    case 'DISCONNECTED':
      return 'cp-disconnected';
    case 'FAULTED':
      return 'cp-faulted';
    case 'OUT_OF_SERVICE':
      return 'cp-out-of-service';
    case 'CHARGING':
      return 'cp-busy';
    case 'AVAILABLE':
      return null;
  }
}

/** A request already granted (open or finished session) is answered with the same grant. */
function earlierGrant(ctx: CentralContext, p: PayloadOf<'driver.request'>): PayloadOf<'auth.response'> | null {
  const open = ctx.table.cpOfDriver(p.driverId);
  if (open?.supply?.requestId === p.requestId) {
    return { requestId: p.requestId, driverId: p.driverId, cpId: open.id, granted: true, sessionId: open.supply.sessionId };
  }
  const past = ctx.table.get(p.cpId)?.recentSessions.find((s) => s.requestId === p.requestId);
  if (past && past.driverId === p.driverId) {
    return { requestId: p.requestId, driverId: p.driverId, cpId: p.cpId, granted: true, sessionId: past.sessionId };
  }
  return null;
}

export function onRequest(ctx: CentralContext, msg: MessageOf<'driver.request'>): void {
  const p = msg.payload;
  const repeat = ctx.answers.get(p.requestId) ?? earlierGrant(ctx, p);
  if (repeat) {
    ctx.counters.duplicates++;
    ctx.out.add('auth.response', repeat);
    return;
  }
  const now = ctx.clock.now();
  const cp = ctx.table.get(p.cpId);
  const code: DenialCode | null =
    msg.ts < now - ctx.requestTtlMs ? 'request-expired' : denialFor(cp, ctx.table.cpOfDriver(p.driverId) !== undefined);
  let answer: PayloadOf<'auth.response'>;
  if (code !== null || !cp) {
    const denial = code ?? 'unknown-cp';
    answer = { requestId: p.requestId, driverId: p.driverId, cpId: p.cpId, granted: false, code: denial, reason: DENIAL_TEXT[denial] };
    ctx.events.emit('auth-denied', `${p.driverId} denied at ${p.cpId}: ${DENIAL_TEXT[denial]} (${denial})`, {
      driverId: p.driverId,
      cpId: p.cpId,
      requestId: p.requestId,
      code: denial,
      reason: DENIAL_TEXT[denial],
    });
  } else {
    const sessionId = randomUUID();
    ctx.table.openSupply(cp, {
      sessionId,
      requestId: p.requestId,
      driverId: p.driverId,
      startedAt: now,
      confirmed: false,
      kw: 0,
      kwh: 0,
      eur: 0,
      lastSeq: -1,
      pricePerKwh: cp.pricePerKwh,
      ending: null,
    });
    ctx.out.add('cmd.start-supply', { cpId: cp.id, instanceId: cp.instanceId, sessionId, driverId: p.driverId });
    answer = { requestId: p.requestId, driverId: p.driverId, cpId: cp.id, granted: true, sessionId };
    ctx.events.emit('auth-granted', `${p.driverId} granted at ${cp.id} (session ${short(sessionId)})`, {
      driverId: p.driverId,
      cpId: cp.id,
      requestId: p.requestId,
      sessionId,
    });
  }
  ctx.answers.set(p.requestId, answer);
  ctx.out.add('auth.response', answer);
}

export function onDriverStop(ctx: CentralContext, msg: MessageOf<'driver.stop'>): void {
  const p = msg.payload;
  const earlier = ctx.stopAnswers.get(p.requestId);
  if (earlier) {
    ctx.counters.duplicates++;
    ctx.out.add('auth.stop-result', earlier);
    return;
  }
  // Looked up by the driver's own id: a driver can only ever stop its own supply.
  const cp = ctx.table.cpOfDriver(p.driverId);
  const supply = cp?.supply;
  let answer: PayloadOf<'auth.stop-result'>;
  if (!cp || !supply || (p.sessionId !== undefined && p.sessionId !== supply.sessionId)) {
    answer = { requestId: p.requestId, driverId: p.driverId, ok: false, reason: 'no supply in progress for this driver' };
  } else {
    requestStop(ctx, cp, 'driver-stop');
    answer = { requestId: p.requestId, driverId: p.driverId, ok: true, sessionId: supply.sessionId, reason: 'stopping' };
    ctx.events.emit('driver-stop', `${p.driverId} asked to stop the supply at ${cp.id}`, {
      driverId: p.driverId,
      cpId: cp.id,
      sessionId: supply.sessionId,
    });
  }
  ctx.stopAnswers.set(p.requestId, answer);
  ctx.out.add('auth.stop-result', answer);
}
