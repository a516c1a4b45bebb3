import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CentralIdentity, Lease, LeaseStatus } from '../../bus/leadership.js';
import { ConfigError } from '../../config/load-config.js';
import { localDay, type AuditAction } from '../../protocol/index.js';
import { BoundedSet } from '../shared/bounded-set.js';
import { Inbox } from '../shared/inbox.js';
import type { IntentResult, Role } from '../shared/role.js';
import { RoleKit } from '../shared/role-kit.js';
import { SealedBus } from '../shared/sealed-bus.js';
import { systemClock } from '../../bus/clock.js';
import { newKeyId } from '../../protocol/credentials.js';
import { centralPolicy } from './trust.js';
import { SnapshotStore } from '../shared/store.js';
import { newContextMaps, type CentralContext } from './context.js';
import { CpTable } from './cp-table.js';
import { adoptRecord, readOnlyRefusal, standbyLine } from './leadership.js';
import { forgetCps } from './forget.js';
import { resetKeys } from './reset-keys.js';
import { auditedView, registryChanges, type AuditedRegistry } from './registry.js';
import { AuditTrail } from '../shared/audit.js';
import { resumeCps, stopCps } from './operator.js';
import { PartitionWatch } from './partition-watch.js';
import { StateTail, type ActiveCentral } from './state-tail.js';
import { startTerm, type Term } from './term.js';
import type { CentralEventKind, CentralOptions, CentralSnapshot } from './types.js';
import { totalsOf } from './totals.js';
import { AuditReader } from './audit-reader.js';

export interface Central extends Role<CentralSnapshot, CentralEventKind> {
  /** Operator: stop one CP or `all`. */
  stop(target: string): Promise<IntentResult>;
  /** Operator: resume one CP or `all`. */
  resume(target: string): Promise<IntentResult>;
  /**
   * Operator: forget DISCONNECTED CPs for good (one id, or a pattern with `*`): they leave every
   * screen and cp-state. Ask first: `planForget` over the snapshot says what it would do.
   */
  forget(target: string): Promise<IntentResult>;
  /** Operator: reset a CP's keys (one id or `all`); it re-authenticates with its credential. */
  resetKeys(target: string): Promise<IntentResult>;
  /** Telemetry sequence gaps seen so far. */
  telemetryGaps(): number;
}

export function centralIdentity(): CentralIdentity {
  return { instanceId: randomUUID(), host: hostname(), pid: process.pid, startedAt: Date.now() };
}

/**
 * Starts central: it reads cp-state (its warm copy of the network) and joins the election. The
 * active central serves (see term.ts); a standby shows the state read-only and takes over when the
 * active one dies, is cut off or steps down. The same command on two machines gives a backup.
 */
export async function startCentral(options: CentralOptions): Promise<Central> {
  const identity = options.identity ?? centralIdentity();
  const table = new CpTable();
  const { trust } = options;
  // With record protection, every record is sealed and checked below the rules (roles/shared/sealed-bus.ts).
  const bus = trust ? new SealedBus(options.bus, centralPolicy(trust, identity.instanceId, (cpId) => table.get(cpId)?.kid), options.clock ?? systemClock, trust.freshnessMs) : options.bus;
  const kit = new RoleKit<CentralEventKind>({ ...options, bus });
  const { clock, counters, events } = kit;
  const newOutbox = () => kit.outbox('central');
  const onMalformed = kit.malformedReporter({ withKey: true });
  const reportedMalformed = new BoundedSet<string>(10_000);
  const onMalformedOnce = (record: { topic: string; key: string | null; offset: string; partition: number }, reason: string) => {
    if (reportedMalformed.add(`${record.topic}/${record.partition}/${record.offset}`)) onMalformed(record, reason);
  };
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 3000;
  const ctx: CentralContext = {
    clock,
    table,
    out: newOutbox(),
    events,
    counters,
    heartbeatTimeoutMs,
    requestTtlMs: options.requestTtlMs ?? 30_000,
    telemetryGaps: 0,
    partitions: new PartitionWatch(Math.min(2000, Math.floor((heartbeatTimeoutMs * 2) / 3)), Math.max(64, 8 * (options.healthPartitions ?? 0)), options.healthPartitions, heartbeatTimeoutMs),
    heartbeatPartition: new Map<string, number>(),
    hearingSince: null,
    ...newContextMaps(),
    ...(trust && { issueKid: (cpId: string) => newKeyId('cp', cpId) }),
  };

  let phase: CentralSnapshot['phase'] = 'rebuilding';
  // Only the active central writes (its records go in its transactions); a standby's would be refused.
  const audit = new AuditTrail(() => (phase === 'serving' || phase === 'taking-over' ? ctx.out : null), 'central', options.principal ?? null, clock);
  let lease: Lease | null = null;
  let active: ActiveCentral | null = null;
  // The audit view's entries, from every role (read below the seals: see audit-reader.ts).
  const auditReader = options.groups.audit ? new AuditReader(options.bus, options.groups.audit, () => store.changed(), options.takeoverTimeoutMs ?? 2000) : null;
  const store = new SnapshotStore<CentralSnapshot>(() => ({
    phase,
    cps: table.views(),
    totals: totalsOf(table.views(), localDay(clock.now())),
    bus: bus.status(),
    leadership: { role: lease?.status().role ?? 'campaigning', self: identity, active },
    audit: auditReader?.log.snapshot() ?? null,
  }));
  const unwatch = kit.watchBus(store);

  // Malformed state records are dead-lettered by whichever central is active when it reads them.
  const tailOut = newOutbox();
  const serving = () => phase === 'serving';
  let standbyAnnounced: string | null = null;
  const announceStandby = () => {
    if (phase !== 'standby') return;
    const key = active?.instanceId ?? '';
    if (standbyAnnounced === key) return;
    standbyAnnounced = key;
    events.emit('standby', standbyLine(active), { line: standbyLine(active), active: active && { host: active.host, pid: active.pid, since: active.since, instanceId: active.instanceId } });
  };
  /** The standby's table took records from cp-state since the last batch ended. */
  let mirrored = false;
  const tail = new StateTail({
    bus,
    clock,
    group: options.groups.state,
    sessionTimeoutMs: options.takeoverTimeoutMs ?? 2000,
    inbox: new Inbox({ counters, outbox: tailOut, onMalformed, onRefused: (r, why) => audit.refused(r, why) }),
    onRecord: (record) => {
      // The active central's own table is the truth while it serves; a standby mirrors cp-state.
      if (serving() || phase === 'taking-over') return;
      table.put(adoptRecord(record, clock.now()));
      mirrored = true;
    },
    onForgotten: (cpId) => {
      if (serving() || phase === 'taking-over') return;
      table.remove(cpId);
      mirrored = true;
    },
    onActive: (a) => {
      active = a;
      store.changed();
      announceStandby();
    },
    // A standby keeps its copies until it takes over: only the active central publishes.
    // One change per batch, not per record: a standby's screen redraws once for many records.
    afterBatch: () => {
      if (mirrored) {
        mirrored = false;
        // A standby publishes nothing: what it mirrored is not a change to write. Once this
        // central takes over, the table's changes are its own and stay for its next commit.
        if (!serving() && phase !== 'taking-over') table.discardChanges();
        store.changed();
      }
      if (serving() && tailOut.pending > 0) void tailOut.flush();
    },
  });
  await Promise.all([tail.start(), auditReader?.start()]);

  let term: Term | null = null;
  let closed = false;
  /** Takeovers and step-downs run one at a time, in the order the lease changed. */
  let transitions: Promise<void> = Promise.resolve();
  const enqueue = (step: () => Promise<void>) => {
    transitions = transitions.then(step).catch((error) => {
      events.emit('handler-error', `leadership change failed: ${String(error)}`, { error: String(error) });
    });
  };

  const takeOver = async (): Promise<void> => {
    if (closed || lease?.status().role !== 'active' || term) return;
    phase = 'taking-over';
    store.changed();
    ctx.out = newOutbox();
    const startedAt = clock.now();
    const started = await startTerm({
      bus,
      ctx,
      tail,
      identity,
      mainGroup: options.groups.main,
      sessionTimeoutMs: options.takeoverTimeoutMs ?? 2000,
      markers: options.syncMarkers ?? 32,
      syncTimeoutMs: options.rebuildTimeoutMs ?? 15_000,
      // A new Inbox per batch: records of an aborted transaction come again and must be applied
      // (and copied to dead-letter) again. The operator hears of each malformed one once.
      decode: (records) => new Inbox({ counters, outbox: ctx.out, onMalformed: onMalformedOnce, onRefused: (r, why) => audit.refused(r, why) }).decodeEach(records),
      changed: () => store.changed(),
      stillActive: () => !closed && lease?.status().role === 'active',
    });
    if (!started) {
      if (phase === 'taking-over') phase = 'standby';
      store.changed();
      return;
    }
    term = started.term;
    void tailOut.flush();
    events.emit(
      'state-rebuilt',
      `rebuilt ${started.cps} charge points from cp-state` + (started.complete ? '' : ' (timed out; may be partial)'),
      { cps: started.cps, complete: started.complete },
    );
    phase = 'serving';
    active = { instanceId: identity.instanceId, host: identity.host, pid: identity.pid, since: startedAt };
    standbyAnnounced = null;
    store.changed();
    events.emit('active', `active: this central (${identity.host} pid ${identity.pid}) serves the network`, { host: identity.host, pid: identity.pid, reason: lease?.status().reason ?? '' });
    events.emit('serving', `central serving (${table.size} charge points known)`, { cps: table.size });
  };

  const stepDown = async (status: LeaseStatus): Promise<void> => {
    const wasServing = term !== null;
    const old = term;
    term = null;
    await old?.close();
    if (closed) return;
    // Back to the committed truth: what this central decided but did not commit is not true.
    table.clear();
    const now = clock.now();
    for (const record of tail.records.values()) table.put(adoptRecord(record, now));
    table.discardChanges();
    phase = 'standby';
    if (active?.instanceId === identity.instanceId) active = null;
    store.changed();
    if (wasServing) events.emit('stepped-down', `stepped down: ${status.reason}`, { reason: status.reason });
    announceStandby();
  };

  lease = await bus.lead({ group: options.groups.lease, identity, sessionTimeoutMs: options.takeoverTimeoutMs ?? 2000 });
  const onLease = (status: LeaseStatus) => {
    store.changed();
    if (status.role === 'active') enqueue(takeOver);
    else if (status.role === 'standby') enqueue(() => stepDown(status));
  };
  lease.onChange(onLease);
  if (lease.status().role !== 'campaigning') onLease(lease.status());
  // Started means the election has answered: this central serves, or it is a standby.
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      const status = lease!.status();
      if (status.role === 'failed') {
        void tail.close();
        void auditReader?.close();
        reject(new ConfigError(`config ${options.configSource ?? ''}: ${status.reason}`.replace('config : ', '')));
        return true;
      }
      if (phase !== 'serving' && phase !== 'standby') return false;
      resolve();
      return true;
    };
    if (check()) return;
    const stop = store.subscribe(() => {
      if (check()) stop();
    });
  });

  const intent = async (action: AuditAction, target: string, run: () => IntentResult): Promise<IntentResult> => {
    if (!serving() || !term) return readOnlyRefusal(active);
    const result = run();
    audit.write(action, target, result.ok ? 'ok' : 'failed', result.text);
    // A forgotten CP is no change to publish as cp-state, yet the store must drop it.
    store.changed();
    await term.commit();
    return result;
  };

  // Registry changes (`evcharge registry add/revoke` on this machine) go on the audit trail, by
  // the active central only. Those made while none was active are found against the registry
  // the trail last saw (trust.audited), once this one is active.
  const atStart = trust?.registry() ?? null;
  let seenRegistry: AuditedRegistry | null = null;
  const registryWatch = trust
    ? clock.setInterval(() => {
        if (!serving()) return;
        const now = trust.registry();
        let since = '';
        if (seenRegistry === null) {
          seenRegistry = trust.audited ? (trust.audited.read() ?? { identities: [] }) : atStart;
          if (trust.audited) since = ' (made while no central was active)';
        }
        if (now === seenRegistry || seenRegistry === null) return;
        const changes = registryChanges(seenRegistry, now);
        seenRegistry = now;
        for (const c of changes) audit.write(c.action, `${c.kind} ${c.id}`, 'ok', c.detail + since);
        if (changes.length > 0) {
          trust.audited?.write(auditedView(now));
          if (term) void term.commit();
        }
      }, 2000)
    : null;

  return {
    ...kit.base(store),
    telemetryGaps: () => ctx.telemetryGaps,
    stop: (target) => intent('operator-stop', target, () => stopCps(ctx, target)),
    resume: (target) => intent('operator-resume', target, () => resumeCps(ctx, target)),
    forget: (target) => intent('operator-forget', target, () => forgetCps(ctx, target)),
    resetKeys: (target) => intent('operator-reset-keys', target, () => resetKeys(ctx, target)),
    close: async () => {
      if (closed) return;
      closed = true;
      unwatch();
      clock.clearInterval(registryWatch);
      audit.close();
      await transitions;
      await term?.close();
      term = null;
      // Leaving the election last: a standby takes over at once instead of after the session.
      await lease?.close();
      await tail.close();
      await auditReader?.close();
      tailOut.close();
      phase = 'closed';
      store.changed();
    },
  };
}
