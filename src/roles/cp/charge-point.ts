import { randomUUID } from 'node:crypto';
import type { IncomingRecord, Subscription } from '../../bus/bus.js';
import { BoundedMap } from '../shared/bounded-set.js';
import { Inbox } from '../shared/inbox.js';
import type { IntentResult, Role } from '../shared/role.js';
import { RoleKit } from '../shared/role-kit.js';
import { SealedBus } from '../shared/sealed-bus.js';
import { AuditTrail } from '../shared/audit.js';
import { systemClock } from '../../bus/clock.js';
import { CpKeys, cpPolicy } from './trust.js';
import { SnapshotStore } from '../shared/store.js';
import { flush, type CpContext } from './context.js';
import { dispatch } from './dispatch.js';
import { fault, recover } from './faults.js';
import { startRegistering } from './registration.js';
import { snapshotOf } from './snapshot.js';
import { unplug } from './supply.js';
import { reading, resumeSupply, stationEnded, stationStarted } from './external-meter.js';
import type { ChargePointEventKind, ChargePointOptions, ChargePointSnapshot, MeterReading, Registration, ResumedSupply } from './types.js';
import { CP_DEFAULTS } from './types.js';

export interface ChargePoint extends Role<ChargePointSnapshot, ChargePointEventKind> {
  /** The vehicle is unplugged: ends the supply. */
  unplug(): Promise<IntentResult>;
  /** Reports a failure: any supply ends at once, central and the driver are told. */
  fault(detail?: string): Promise<IntentResult>;
  /** Clears a fault. */
  recover(): Promise<IntentResult>;
  /** External meter: the station's reading for the open supply, sent to central as telemetry. */
  reading(r: MeterReading): Promise<IntentResult>;
  /** External meter: the station ended the open supply at `kwh` (its final meter). */
  stationEnded(kwh: number): Promise<IntentResult>;
  /** External meter: the station started the supply central ordered (central and the driver are told now). */
  stationStarted(): Promise<IntentResult>;
  /** External meter: go on with a supply another process of this CP started (a station that moved gateways). */
  resumeSupply(r: ResumedSupply): Promise<IntentResult>;
  /** Resolves when central has answered the registration (accepted or refused). */
  readonly registered: Promise<Registration>;
}

/** Starts a charge point: registers (retrying until acknowledged), heartbeats, supplies on command. */
export async function startChargePoint(options: ChargePointOptions): Promise<ChargePoint> {
  const { id, trust } = options;
  const keys = trust ? new CpKeys(trust.credential) : undefined;
  // With record protection, every record is sealed and checked below the rules (roles/shared/sealed-bus.ts).
  const bus = trust && keys ? new SealedBus(options.bus, cpPolicy(trust, keys), options.clock ?? systemClock, trust.freshnessMs) : options.bus;
  const kit = new RoleKit<ChargePointEventKind>({ ...options, bus });
  const { clock, counters, events } = kit;
  const out = kit.outbox(`cp:${id}`);
  const audit = new AuditTrail(() => out, `cp:${id}`, options.principal ?? null, clock);
  const inbox = new Inbox({ counters, outbox: out, acceptKey: (key) => key === id, onMalformed: kit.malformedReporter(), onRefused: (r, why) => audit.refused(r, why) });

  let closed = false;
  let registerTimer: unknown = null;
  let commandSub: Subscription | null = null;
  let resolveRegistered: (r: Registration) => void = () => {};
  const registered = new Promise<Registration>((resolve) => (resolveRegistered = resolve));
  const store = new SnapshotStore<ChargePointSnapshot>(() => snapshotOf(ctx, bus.status()));

  const ctx: CpContext = {
    id,
    ...(keys && { keys }),
    cfg: {
      location: options.location ?? CP_DEFAULTS.location,
      pricePerKwh: options.pricePerKwh ?? CP_DEFAULTS.pricePerKwh,
      maxKw: options.maxKw ?? CP_DEFAULTS.maxKw,
      speed: options.speed ?? 1,
      rampMs: options.rampMs ?? 3000,
      instanceId: options.instanceId ?? randomUUID(),
    },
    clock,
    heartbeatMs: options.heartbeatMs ?? 1000,
    telemetryMs: options.telemetryMs ?? 1000,
    out,
    pulse: kit.outbox(`cp:${id}`, { lane: 'pulse', silent: true }),
    events,
    external: options.external ?? null,
    stopAsked: null,
    registration: 'registering',
    refusedReason: null,
    faulted: false,
    outOfService: false,
    supply: null,
    accruedTo: 0,
    lastSupply: null,
    ended: new BoundedMap(100),
    heartbeatTimer: null,
    telemetryTimer: null,
    hooks: {
      changed: () => store.changed(),
      answered: (registration) => {
        clock.clearInterval(registerTimer);
        resolveRegistered(registration);
      },
      joinCommands: () => joinCommands(),
      reRegister: () => {
        if (closed) return;
        clock.clearInterval(registerTimer);
        registerTimer = startRegistering(ctx, options.registerRetryMs ?? 2000);
      },
    },
  };
  const unwatch = kit.watchBus(store);

  async function handle(records: IncomingRecord[]): Promise<void> {
    for (const message of inbox.decode(records)) dispatch(ctx, message);
    await flush(ctx);
  }

  /**
   * The main group is joined only once registered. fromBeginning: a brand-new group must not miss
   * a command central sent while it was joining; older commands carry another instance id.
   */
  async function joinCommands(): Promise<void> {
    if (closed || commandSub) return;
    commandSub = await bus.subscribe({ group: options.groups.main, topics: ['cp-commands'], fromBeginning: true, commit: true }, handle);
    if (closed) await commandSub.close();
  }

  // Acks are read in a group of this process alone: a refused second process must hear its refusal,
  // and must not join the CP's main group, where it would take over the CP's command partition.
  const registrationSub = await bus.subscribe(
    { group: options.groups.registration ?? `${options.groups.main}-registration-${ctx.cfg.instanceId}`, topics: ['cp-register-ack'], commit: false },
    handle,
  );
  await registrationSub.ready;
  registerTimer = startRegistering(ctx, options.registerRetryMs ?? 2000);

  // An intent's effects are on the bus when its promise resolves.
  const intent = async (result: IntentResult) => {
    await flush(ctx);
    return result;
  };

  return {
    ...kit.base(store),
    registered,
    unplug: () => intent(unplug(ctx)),
    reading: (r) => intent(reading(ctx, r)),
    stationEnded: (kwh) => intent(stationEnded(ctx, kwh)),
    resumeSupply: (r) => intent(resumeSupply(ctx, r)),
    stationStarted: () => intent(stationStarted(ctx)),
    fault: (detail = 'fault reported at the charge point') => intent(fault(ctx, detail)),
    recover: () => intent(recover(ctx)),
    close: async () => {
      if (closed) return;
      closed = true;
      clock.clearInterval(registerTimer);
      if (ctx.heartbeatTimer !== null) clock.clearInterval(ctx.heartbeatTimer);
      if (ctx.telemetryTimer !== null) clock.clearInterval(ctx.telemetryTimer);
      unwatch();
      resolveRegistered(ctx.registration);
      await registrationSub.close();
      await commandSub?.close();
      audit.close();
      out.close();
      ctx.pulse.close();
    },
  };
}
