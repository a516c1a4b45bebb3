import { randomUUID } from 'node:crypto';
import type { IncomingRecord, Subscription } from '../../bus/bus.js';
import { systemClock } from '../../bus/clock.js';
import type { CpEndReason, Message, PayloadOf } from '../../protocol/index.js';
import { BoundedMap } from '../shared/bounded-set.js';
import { busStatusText, watchBus } from '../shared/bus-status.js';
import { newCounters } from '../shared/counters.js';
import { EventFeed } from '../shared/events.js';
import { Inbox } from '../shared/inbox.js';
import { Outbox } from '../shared/outbox.js';
import type { IntentResult, Role } from '../shared/role.js';
import { SnapshotStore } from '../shared/store.js';
import { accrue } from './meter.js';
import type {
  ChargePointEventKind,
  ChargePointOptions,
  ChargePointSnapshot,
  ChargePointState,
  EndedSupply,
  LocalSupply,
  Registration,
} from './types.js';
import { CP_DEFAULTS } from './types.js';

export interface ChargePoint extends Role<ChargePointSnapshot, ChargePointEventKind> {
  /** The vehicle is unplugged: ends the supply. */
  unplug(): Promise<IntentResult>;
  /** Reports a failure: any supply ends at once, central and the driver are told. */
  fault(detail?: string): Promise<IntentResult>;
  /** Clears a fault. */
  recover(): Promise<IntentResult>;
  /** Resolves when central has answered the registration (accepted or refused). */
  readonly registered: Promise<Registration>;
}

/** Starts a charge point: registers (retrying until acknowledged), heartbeats, supplies on command. */
export async function startChargePoint(options: ChargePointOptions): Promise<ChargePoint> {
  const { bus, id } = options;
  const clock = options.clock ?? systemClock;
  const cfg = {
    location: options.location ?? CP_DEFAULTS.location,
    pricePerKwh: options.pricePerKwh ?? CP_DEFAULTS.pricePerKwh,
    maxKw: options.maxKw ?? CP_DEFAULTS.maxKw,
    speed: options.speed ?? 1,
    rampMs: options.rampMs ?? 3000,
    instanceId: options.instanceId ?? randomUUID(),
  };
  const counters = newCounters();
  const events = new EventFeed<ChargePointEventKind>(() => clock.now());
  // Listening from the first moment: events of the start itself (rebuild, registration) count too.
  if (options.onEvent) events.on(options.onEvent);
  const out = new Outbox(bus, clock, `cp:${id}`, counters, (error, attempt) => {
    if (attempt === 1) events.emit('publish-error', `publish failed, retrying: ${String(error)}`, { error: String(error) });
  });
  // Heartbeats publish on their own, on the bus's pulse lane: a telemetry record waiting for a
  // new partition leader (broker failover) must not hold back the proof that this CP is alive.
  const pulse = new Outbox(bus, clock, `cp:${id}`, counters, () => {}, { lane: 'pulse' });
  const inbox = new Inbox({
    counters,
    outbox: out,
    acceptKey: (key) => key === id,
    onMalformed: (record, reason) =>
      events.emit('malformed', `malformed record on ${record.topic}: ${reason}`, { topic: record.topic, reason }),
  });

  let registration: Registration = 'registering';
  let refusedReason: string | null = null;
  let faulted = false;
  let outOfService = false;
  let supply: LocalSupply | null = null;
  let accruedTo = 0;
  let lastSupply: EndedSupply | null = null;
  const ended = new BoundedMap<string, PayloadOf<'supply.ended'>>(100);
  const timers: unknown[] = [];
  let telemetryTimer: unknown = null;
  let closed = false;
  let registerTimer: unknown = null;
  let resolveRegistered: (r: Registration) => void = () => {};
  const registered = new Promise<Registration>((resolve) => (resolveRegistered = resolve));

  const state = (): ChargePointState => {
    if (registration === 'registering') return 'REGISTERING';
    if (registration === 'refused') return 'REFUSED';
    if (faulted) return 'FAULTED';
    if (supply) return 'CHARGING';
    if (outOfService) return 'OUT_OF_SERVICE';
    return 'AVAILABLE';
  };
  const store = new SnapshotStore<ChargePointSnapshot>(() => ({
    id,
    instanceId: cfg.instanceId,
    location: cfg.location,
    pricePerKwh: cfg.pricePerKwh,
    maxKw: cfg.maxKw,
    speed: cfg.speed,
    registration,
    refusedReason,
    state: state(),
    faulted,
    outOfService,
    supply: supply ? Object.freeze({ ...supply }) : null,
    lastSupply,
    bus: bus.status(),
  }));
  const unwatch = watchBus(bus, (status) => {
    events.emit('bus-status', busStatusText(status), { ...status });
    store.changed();
  });
  const base = () => ({ cpId: id, instanceId: cfg.instanceId });
  const flush = () => {
    store.changed();
    return out.flush();
  };

  const heartbeat = () => {
    if (registration !== 'registered') return;
    pulse.add('cp.heartbeat', {
      ...base(),
      status: faulted ? 'faulted' : supply ? 'supplying' : 'idle',
      sessionId: supply?.sessionId ?? null,
      outOfService,
    });
    void pulse.flush();
  };

  const sendTelemetry = () => {
    if (!supply) return;
    const now = clock.now();
    accrue(supply, accruedTo, now, cfg);
    accruedTo = now;
    supply.seq++;
    out.add('supply.telemetry', { ...base(), sessionId: supply.sessionId, seq: supply.seq, kw: supply.kw, kwh: supply.kwh, eur: supply.eur });
    events.emit(
      'telemetry',
      `${id} supplying ${supply.driverId}: ${supply.kw.toFixed(1)} kW, ${supply.kwh.toFixed(3)} kWh, ${supply.eur.toFixed(2)} €`,
      { sessionId: supply.sessionId, seq: supply.seq, kw: supply.kw, kwh: supply.kwh, eur: supply.eur },
    );
    void flush();
  };

  /** Ends the local supply, if any, and tells central the final energy. */
  const endSupply = (reason: CpEndReason): EndedSupply | null => {
    if (!supply) return null;
    const now = clock.now();
    accrue(supply, accruedTo, now, cfg);
    if (telemetryTimer !== null) clock.clearInterval(telemetryTimer);
    telemetryTimer = null;
    const payload = { ...base(), sessionId: supply.sessionId, seq: supply.seq + 1, kwh: supply.kwh, reason, endedAt: now };
    ended.set(supply.sessionId, payload);
    out.add('supply.ended', payload);
    lastSupply = { sessionId: supply.sessionId, driverId: supply.driverId, startedAt: supply.startedAt, endedAt: now, kwh: supply.kwh, eur: supply.eur, reason };
    events.emit('supply-ended', `${id} supply for ${supply.driverId} ended (${reason}): ${supply.kwh.toFixed(3)} kWh, ${supply.eur.toFixed(2)} €`, { ...lastSupply });
    supply = null;
    return lastSupply;
  };

  /** Answers a start or stop that cannot be honoured with an immediate zero-energy end. */
  const refuseSession = (sessionId: string, reason: CpEndReason, why: string) => {
    const previous = ended.get(sessionId);
    if (previous) return out.add('supply.ended', previous); // same answer as before
    const payload = { ...base(), sessionId, seq: 0, kwh: 0, reason, endedAt: clock.now() };
    ended.set(sessionId, payload);
    out.add('supply.ended', payload);
    events.emit('command-refused', `${id} refused session ${sessionId.slice(0, 8)}: ${why}`, { sessionId, reason: why });
  };

  const onStart = (p: PayloadOf<'cmd.start-supply'>) => {
    if (supply?.sessionId === p.sessionId) return; // redelivered command
    if (ended.has(p.sessionId)) return refuseSession(p.sessionId, 'stopped', 'session already ended');
    if (faulted) return refuseSession(p.sessionId, 'faulted', 'charge point is faulted');
    if (outOfService) return refuseSession(p.sessionId, 'stopped', 'charge point is out of service');
    if (supply) return refuseSession(p.sessionId, 'stopped', 'already supplying another session');
    const now = clock.now();
    supply = { sessionId: p.sessionId, driverId: p.driverId, startedAt: now, kw: 0, kwh: 0, eur: 0, seq: -1 };
    accruedTo = now;
    out.add('supply.started', { ...base(), sessionId: p.sessionId, driverId: p.driverId, startedAt: now });
    telemetryTimer = clock.setInterval(sendTelemetry, options.telemetryMs ?? 1000);
    events.emit('supply-started', `${id} supplying ${p.driverId} (session ${p.sessionId.slice(0, 8)})`, { sessionId: p.sessionId, driverId: p.driverId });
  };

  const onStop = (p: PayloadOf<'cmd.stop-supply'>) => {
    if (supply?.sessionId === p.sessionId) endSupply('stopped');
    else refuseSession(p.sessionId, 'stopped', 'no such supply');
  };

  const onSetService = (p: PayloadOf<'cmd.set-service'>) => {
    if (outOfService === !p.inService) return;
    outOfService = !p.inService;
    events.emit(outOfService ? 'out-of-service' : 'in-service', `${id} ${outOfService ? 'put out of service by central' : 'back in service'}`, {});
  };

  const onAck = (p: PayloadOf<'cp.register-ack'>) => {
    if (registration !== 'registering') return;
    if (p.accepted) {
      registration = 'registered';
      events.emit('registered', `${id} registered with central`, { instanceId: cfg.instanceId });
      timers.push(clock.setInterval(heartbeat, options.heartbeatMs ?? 1000));
      heartbeat();
      void joinCommands();
    } else {
      registration = 'refused';
      refusedReason = p.reason ?? 'refused';
      events.emit('register-refused', `${id} registration refused: ${refusedReason}`, { reason: refusedReason });
    }
    clock.clearInterval(registerTimer);
    resolveRegistered(registration);
  };

  async function handle(records: IncomingRecord[]): Promise<void> {
    for (const message of inbox.decode(records)) apply(message);
    await flush();
  }

  /**
   * The main group is joined only once registered. fromBeginning: a brand-new group must not miss
   * a command central sent while it was joining; older commands carry another instance id.
   */
  const joinCommands = async () => {
    if (closed || commandSub) return;
    commandSub = await bus.subscribe({ group: options.groups.main, topics: ['cp-commands'], fromBeginning: true, commit: true }, handle);
    if (closed) await commandSub.close();
  };

  const apply = (message: Message) => {
    const p = message.payload as { instanceId?: string };
    // Commands and acks for an earlier process with this id are not ours.
    if (p.instanceId !== cfg.instanceId) return;
    switch (message.type) {
      case 'cp.register-ack': return onAck(message.payload);
      case 'cmd.start-supply': return onStart(message.payload);
      case 'cmd.stop-supply': return onStop(message.payload);
      case 'cmd.set-service': return onSetService(message.payload);
      default: return;
    }
  };

  // Acks are read in a group of this process alone: a refused second process must hear its refusal,
  // and must not join the CP's main group, where it would take over the CP's command partition.
  const registrationSub = await bus.subscribe(
    { group: options.groups.registration ?? `${options.groups.main}-registration-${cfg.instanceId}`, topics: ['cp-register-ack'], commit: false },
    handle,
  );
  await registrationSub.ready;
  let commandSub: Subscription | null = null;

  const register = () => {
    if (registration !== 'registering') return;
    out.add('cp.register', { ...base(), location: cfg.location, pricePerKwh: cfg.pricePerKwh, maxKw: cfg.maxKw });
    void out.flush();
  };
  registerTimer = clock.setInterval(register, options.registerRetryMs ?? 2000);
  events.emit('registering', `${id} registering with central (${cfg.location}, ${cfg.pricePerKwh} €/kWh, ${cfg.maxKw} kW)`, { ...cfg });
  register();

  const intent = async (result: IntentResult) => {
    await flush();
    return result;
  };

  return {
    store,
    registered,
    onEvent: (listener) => events.on(listener),
    counters: () => ({ ...counters }),
    busStatus: () => bus.status(),
    unplug: () => intent(endSupply('unplugged') ? { ok: true, text: `${id} unplugged` } : { ok: false, text: 'nothing is plugged in' }),
    fault: (detail = 'fault reported at the charge point') => {
      if (faulted) return intent({ ok: false, text: `${id} is already faulted` });
      faulted = true;
      endSupply('faulted');
      // On the heartbeats' outbox: a heartbeat taken before the fault must never land after it
      // (two outboxes publish concurrently, and central would read it as a recovery).
      pulse.add('cp.fault', { ...base(), detail });
      events.emit('faulted', `${id} FAULTED: ${detail}`, { detail });
      void pulse.flush();
      return intent({ ok: true, text: `${id} faulted` });
    },
    recover: () => {
      if (!faulted) return intent({ ok: false, text: `${id} is not faulted` });
      faulted = false;
      pulse.add('cp.recover', base());
      events.emit('recovered', `${id} recovered`, {});
      void pulse.flush();
      return intent({ ok: true, text: `${id} recovered` });
    },
    close: async () => {
      if (closed) return;
      closed = true;
      clock.clearInterval(registerTimer);
      for (const t of timers) clock.clearInterval(t);
      if (telemetryTimer !== null) clock.clearInterval(telemetryTimer);
      unwatch();
      resolveRegistered(registration);
      await registrationSub.close();
      await commandSub?.close();
      out.close();
      pulse.close();
    },
  };
}

