import type { IncomingRecord } from '../../bus/bus.js';
import { randomUUID } from 'node:crypto';
import type { CpRecord, Message, Ticket } from '../../protocol/index.js';
import { roundEur, roundKwh } from '../../protocol/index.js';
import { readStateBatch } from '../shared/tombstones.js';
import { BoundedSet } from '../shared/bounded-set.js';
import { Inbox } from '../shared/inbox.js';
import type { IntentResult, Role } from '../shared/role.js';
import { RoleKit } from '../shared/role-kit.js';
import { SealedBus } from '../shared/sealed-bus.js';
import { AuditTrail } from '../shared/audit.js';
import { systemClock } from '../../bus/clock.js';
import { driverPolicy } from './trust.js';
import { SnapshotStore } from '../shared/store.js';
import { Waiters } from '../shared/waiters.js';
import { ticketLine } from './ticket-line.js';
import type { DriverCpView, DriverEventKind, DriverOptions, DriverSnapshot, DriverSupply, RequestResult } from './types.js';

export interface Driver extends Role<DriverSnapshot, DriverEventKind> {
  readonly id: string;
  /** Asks central for a charge at `cpId`; resolves with the grant or the denial (or a timeout). */
  request(cpId: string): Promise<RequestResult>;
  /** Asks central to stop this driver's open supply; the ticket follows. */
  stopSupply(sessionId?: string): Promise<IntentResult>;
  /** Resolves with the ticket of `sessionId` (at once if it already arrived); null if closed first. */
  ticketFor(sessionId: string): Promise<Ticket | null>;
}

const MAX_TICKETS = 100;

/** Starts a driver: reads the CP list from cp-state and its own answers and supply updates. */
export async function startDriver(options: DriverOptions): Promise<Driver> {
  const { id, trust } = options;
  // With record protection, every record is sealed and checked below the rules (roles/shared/sealed-bus.ts).
  const bus = trust ? new SealedBus(options.bus, driverPolicy(trust), options.clock ?? systemClock, trust.freshnessMs) : options.bus;
  const kit = new RoleKit<DriverEventKind>({ ...options, bus });
  const { clock, counters, events } = kit;
  const answerTimeoutMs = options.answerTimeoutMs ?? 10_000;
  const resendMs = options.resendMs ?? 3000;
  const out = kit.outbox(`driver:${id}`);
  const onMalformed = kit.malformedReporter();
  const audit = new AuditTrail(() => out, `driver:${id}`, options.principal ?? null, clock);
  const onRefused = (record: Parameters<AuditTrail['refused']>[0], reason: string) => audit.refused(record, reason);
  const ownInbox = new Inbox({ counters, outbox: out, onMalformed, onRefused, acceptKey: (key) => key === id });
  const stateInbox = new Inbox({ counters, outbox: out, onMalformed, onRefused });

  const cps = new Map<string, DriverCpView>();
  let cpList: DriverCpView[] | null = null;
  let pending: DriverSnapshot['pending'] = null;
  let supply: DriverSupply | null = null;
  let lastAnswer: RequestResult | null = null;
  let tickets: Ticket[] = [];
  const ticketed = new BoundedSet<string>(1000);
  const ourRequests = new BoundedSet<string>(1000);
  const answered = new BoundedSet<string>(1000);
  const requestWaiters = new Waiters<RequestResult>(clock);
  const stopWaiters = new Waiters<IntentResult>(clock);
  const ticketWaiters = new Waiters<Ticket | null>(clock);
  const ticketsById = new Map<string, Ticket>();
  let closed = false;

  const store = new SnapshotStore<DriverSnapshot>(() => {
    cpList ??= [...cps.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { id, cps: cpList, pending, supply: supply ? Object.freeze({ ...supply }) : null, lastAnswer, tickets, bus: bus.status() };
  });
  const unwatch = kit.watchBus(store);

  const trackSupply = (sessionId: string, cpId: string): DriverSupply | null => {
    if (ticketed.has(sessionId)) return null;
    if (supply?.sessionId !== sessionId) {
      supply = { sessionId, cpId, startedAt: null, pricePerKwh: null, kw: 0, kwh: 0, eur: 0, seq: -1, stopping: false };
    }
    return supply;
  };

  const onCpState = (cp: CpRecord) => {
    const view: DriverCpView = { id: cp.id, location: cp.location, pricePerKwh: cp.pricePerKwh, maxKw: cp.maxKw, state: cp.state };
    const before = cps.get(cp.id);
    if (before && before.state === view.state && before.pricePerKwh === view.pricePerKwh && before.location === view.location && before.maxKw === view.maxKw) return;
    cps.set(cp.id, Object.freeze(view));
    cpList = null;
  };

  /**
   * A cp-state record that leaves this CP's line in the list as it is: most are central's
   * republished live figures (every few seconds per supply). Such a record is not applied, so it
   * need not be validated either; anything that might change the list is decoded in full.
   */
  const sameCatalogue = (record: IncomingRecord): boolean => {
    const before = record.key === null || record.value === null ? undefined : cps.get(record.key);
    if (!before) return false;
    let payload: unknown;
    try {
      const envelope = JSON.parse(record.value!) as { type?: unknown; payload?: unknown };
      if (envelope.type !== 'cp.state') return false;
      payload = envelope.payload;
    } catch {
      return false;
    }
    if (typeof payload !== 'object' || payload === null) return false;
    const p = payload as Record<string, unknown>;
    return p['id'] === before.id && p['state'] === before.state && p['location'] === before.location && p['pricePerKwh'] === before.pricePerKwh && p['maxKw'] === before.maxKw;
  };

  const apply = (message: Message) => {
    switch (message.type) {
      case 'auth.response': {
        const p = message.payload;
        if (!answered.add(p.requestId)) return; // a repeated answer to a re-sent request
        if (!requestWaiters.has(p.requestId)) {
          // Answer to a request we gave up on: never leave a supply running unattended.
          if (p.granted && ourRequests.has(p.requestId)) {
            out.add('driver.stop', { requestId: randomUUID(), driverId: id, sessionId: p.sessionId });
            events.emit('late-grant', `late grant at ${p.cpId} after timing out; stopping it`, { cpId: p.cpId, sessionId: p.sessionId });
          }
          return;
        }
        const result: RequestResult = p.granted
          ? { granted: true, cpId: p.cpId, requestId: p.requestId, sessionId: p.sessionId }
          : { granted: false, cpId: p.cpId, requestId: p.requestId, code: p.code, reason: p.reason };
        if (result.granted) trackSupply(result.sessionId, result.cpId);
        finishRequest(result);
        return;
      }
      case 'auth.stop-result': {
        const p = message.payload;
        stopWaiters.settle(p.requestId, { ok: p.ok, text: p.ok ? 'stopping; the ticket follows' : p.reason });
        events.emit('stop-result', p.ok ? 'central is stopping the supply' : `stop refused: ${p.reason}`, { ok: p.ok, reason: p.reason });
        return;
      }
      case 'driver.supply-started': {
        const p = message.payload;
        const s = trackSupply(p.sessionId, p.cpId);
        if (!s || s.startedAt !== null) return;
        s.startedAt = p.startedAt;
        s.pricePerKwh = p.pricePerKwh;
        events.emit('supply-started', `supply started at ${p.cpId} (${p.pricePerKwh} €/kWh)`, { ...p });
        return;
      }
      case 'driver.progress': {
        const p = message.payload;
        const s = trackSupply(p.sessionId, p.cpId);
        if (!s || p.seq <= s.seq) return;
        Object.assign(s, { seq: p.seq, kw: p.kw, kwh: p.kwh, eur: p.eur });
        // As shown: the meter reading in whole Wh, rounded as the ticket will round it (so the last
        // reading and the ticket agree), power to 0.1 kW, money to the cent.
        const kwh = roundKwh(p.kwh);
        events.emit('progress', `${p.cpId}: ${p.kw.toFixed(1)} kW, ${kwh.toFixed(3)} kWh, ${p.eur.toFixed(2)} €`, { ...p, kw: Math.round(p.kw * 10) / 10, kwh, eur: roundEur(p.eur) });
        return;
      }
      case 'driver.ticket': {
        const t = message.payload.ticket;
        if (!ticketed.add(t.sessionId)) return;
        tickets = [...tickets.slice(-(MAX_TICKETS - 1)), t];
        ticketsById.set(t.sessionId, t);
        if (supply?.sessionId === t.sessionId) supply = null;
        events.emit('ticket', ticketLine(t), { ...t });
        ticketWaiters.settle(t.sessionId, t);
        return;
      }
      case 'cp.state':
        return onCpState(message.payload);
      default:
        return;
    }
  };

  const finishRequest = (result: RequestResult) => {
    lastAnswer = result;
    if (pending?.requestId === result.requestId) pending = null;
    if (result.granted) events.emit('granted', `granted at ${result.cpId}`, { ...result });
    else if (result.code === 'timeout') events.emit('timeout', `no answer from central about ${result.cpId}: ${result.reason}`, { ...result });
    else events.emit('denied', `denied at ${result.cpId}: ${result.reason} (${result.code})`, { ...result });
    requestWaiters.settle(result.requestId, result);
    store.changed();
  };

  // Only this driver's partition of each: on a busy network the others' progress is never fetched.
  const mainSub = await bus.subscribe({ group: options.groups.main, topics: ['auth-response', 'driver-updates'], commit: true, onlyKey: id }, async (records) => {
    for (const message of ownInbox.decode(records)) apply(message);
    store.changed();
    await out.flush();
  });
  const stateSub = await bus.subscribe({ group: options.groups.state, topics: ['cp-state'], fromBeginning: true, commit: false }, async (records) => {
    readStateBatch(
      records,
      stateInbox,
      apply,
      (cpId) => {
        // The operator forgot this CP: it leaves the list.
        if (cps.delete(cpId)) cpList = null;
      },
      sameCatalogue,
    );
    if (cpList === null) store.changed();
    await out.flush();
  });
  await Promise.all([mainSub.ready, stateSub.ready]);

  const request = async (cpId: string): Promise<RequestResult> => {
    const requestId = randomUUID();
    if (closed) return { granted: false, cpId, requestId, code: 'closed', reason: 'driver closed' };
    ourRequests.add(requestId);
    const send = () => {
      out.add('driver.request', { requestId, driverId: id, cpId });
      void out.flush();
    };
    pending = { requestId, cpId, sentAt: clock.now() };
    const answer = requestWaiters.wait(requestId, answerTimeoutMs, () => ({
      granted: false, cpId, requestId, code: 'timeout', reason: `central did not answer within ${answerTimeoutMs} ms`,
    }));
    // A re-send is a new message with the same request id: central gives it the same answer.
    const resend = clock.setInterval(send, resendMs);
    send();
    events.emit('request-sent', `requesting a charge at ${cpId}`, { cpId, requestId });
    store.changed();
    const result = await answer;
    clock.clearInterval(resend);
    if (!result.granted && result.code === 'timeout') finishRequest(result);
    return result;
  };

  const stopSupply = async (sessionId?: string): Promise<IntentResult> => {
    const target = sessionId ?? supply?.sessionId;
    if (!target) return { ok: false, text: 'no supply in progress' };
    if (supply?.sessionId === target) supply.stopping = true;
    const requestId = randomUUID();
    out.add('driver.stop', { requestId, driverId: id, sessionId: target });
    events.emit('stop-sent', 'asking central to stop the supply', { sessionId: target });
    store.changed();
    const result = stopWaiters.wait(requestId, answerTimeoutMs, () => ({ ok: false, text: `central did not answer within ${answerTimeoutMs} ms` }));
    await out.flush();
    return result;
  };

  return {
    id,
    ...kit.base(store),
    request,
    stopSupply,
    ticketFor: (sessionId) => {
      const known = ticketsById.get(sessionId);
      return known ? Promise.resolve(known) : ticketWaiters.wait(sessionId, null, () => null);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      unwatch();
      requestWaiters.settleAll((requestId) => ({ granted: false, cpId: pending?.cpId ?? '', requestId, code: 'closed', reason: 'driver closed' }));
      stopWaiters.settleAll(() => ({ ok: false, text: 'driver closed' }));
      ticketWaiters.settleAll(() => null);
      await Promise.all([mainSub.close(), stateSub.close()]);
      audit.close();
      out.close();
    },
  };
}
