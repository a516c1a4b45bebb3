import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { CentralContext } from '../../src/roles/central/context.js';
import { checkLiveness, onRegister } from '../../src/roles/central/cp-lifecycle.js';
import { CpTable } from '../../src/roles/central/cp-table.js';
import { PartitionWatch } from '../../src/roles/central/partition-watch.js';
import { EventFeed } from '../../src/roles/shared/events.js';

/** Central's liveness rule over one connected CP on health partition 0, last heard at 1000. */
function oneCp(now: { t: number }) {
  const table = new CpTable();
  table.put({ id: 'CP1', location: '', pricePerKwh: 0.3, maxKw: 22, instanceId: randomUUID(), state: 'AVAILABLE', outOfService: false, faulted: false, registeredAt: 1, supply: null, recentSessions: [], totals: { sessions: 0, kwh: 0, eur: 0 }, connected: true, lastHeartbeatAt: 1000 });
  table.discardChanges();
  const events = new EventFeed<string>(() => now.t);
  const ctx = {
    clock: { now: () => now.t },
    table,
    events,
    heartbeatTimeoutMs: 3000,
    partitions: new PartitionWatch(2000),
    heartbeatPartition: new Map([['CP1', 0]]),
    hearingSince: 0,
    awaitingFirstHeartbeat: new Map(),
    rebuiltAt: new Map(),
    undecided: new Map(),
    waitingRegistrations: new Map(),
  } as unknown as CentralContext;
  return { ctx, connected: () => table.get('CP1')?.connected };
}

test('a CP whose partition stopped ticking just after its last heartbeat (taken by a rebalance) is not judged', () => {
  const now = { t: 0 };
  const { ctx, connected } = oneCp(now);
  ctx.partitions.tick(0, 1, 1000);
  ctx.partitions.tick(0, 1, 1500); // then the partition went to another member of the group
  now.t = 4100; // 3.1 s of silence, but the partition's last tick is only 0.5 s after the CP's
  checkLiveness(ctx);
  assert.equal(connected(), true);
});

test('a CP silent while its partition keeps ticking is DISCONNECTED after the timeout', () => {
  const now = { t: 0 };
  const { ctx, connected } = oneCp(now);
  for (let t = 1000; t <= 4000; t += 1000) ctx.partitions.tick(0, 1, t);
  now.t = 4100;
  checkLiveness(ctx);
  assert.equal(connected(), false);
});

/** A registration of CP1 by a new process, as central's rule sees it; returns the ack sent. */
function registerAgain(ctx: CentralContext) {
  const acks: { accepted: boolean; reason?: string }[] = [];
  const c = ctx as unknown as { out: unknown };
  c.out = { add: (type: string, payload: { accepted: boolean; reason?: string }) => type === 'cp.register-ack' && acks.push(payload) };
  const instanceId = randomUUID();
  onRegister(ctx, { type: 'cp.register', payload: { cpId: 'CP1', instanceId, location: 'X', pricePerKwh: 0.3, maxKw: 22 } } as never);
  return { ack: acks.at(-1), holder: ctx.table.get('CP1')?.instanceId, instanceId };
}

test('a second process registering a CP while central lags behind its heartbeats gets no answer yet (no hijack by a busy central)', () => {
  const now = { t: 0 };
  const { ctx } = oneCp(now);
  const said: string[] = [];
  ctx.events.on((e) => e.kind === 'cp-undecided' && said.push(e.text));
  for (let t = 0; t <= 1000; t += 500) ctx.partitions.tick(0, 1, t);
  // Central's loop was busy 3.5 s: its heartbeats and ticks are still unread, the forged
  // registration on another topic is read first. The wall clock alone says "silent for 3.5 s".
  now.t = 4500;
  const { ack, holder, instanceId } = registerAgain(ctx);
  assert.equal(ack, undefined, 'not accepted, not refused: the new process asks again');
  assert.notEqual(holder, instanceId);
  assert.match(said[0] ?? '', /registration by a new process .* waits: central cannot tell yet .*health partition 0 is stalled/);
});

test('a second process registering a CP whose first process is provably silent takes the id', () => {
  const now = { t: 0 };
  const { ctx } = oneCp(now);
  for (let t = 0; t <= 4500; t += 500) ctx.partitions.tick(0, 1, t);
  now.t = 4500;
  const { ack, holder, instanceId } = registerAgain(ctx);
  assert.equal(ack?.accepted, true);
  assert.equal(holder, instanceId);
});

test('a second process registering a CP that is heartbeating is refused', () => {
  const now = { t: 0 };
  const { ctx } = oneCp(now);
  for (let t = 0; t <= 2500; t += 500) ctx.partitions.tick(0, 1, t);
  now.t = 2500;
  const { ack } = registerAgain(ctx);
  assert.equal(ack?.accepted, false);
  assert.match(ack?.reason ?? '', /still sending heartbeats/);
});

test('central says when a health partition stops flowing and when it flows again, once each', () => {
  const now = { t: 0 };
  const { ctx } = oneCp(now);
  const said: { text: string; partitions: unknown }[] = [];
  ctx.events.on((e) => e.kind === 'health-stalled' && said.push({ text: e.text, partitions: e.data['partitions'] }));
  for (let t = 0; t <= 1000; t += 500) {
    ctx.partitions.tick(0, 1, t);
    ctx.partitions.tick(1, 2, t);
  }
  for (let t = 1500; t <= 4000; t += 500) {
    ctx.partitions.tick(1, 2, t); // partition 0 went quiet at 1000
    now.t = t;
    checkLiveness(ctx);
  }
  ctx.partitions.tick(0, 1, 4500);
  ctx.partitions.tick(1, 2, 4500);
  now.t = 4500;
  checkLiveness(ctx);
  checkLiveness(ctx);
  assert.deepEqual(said.map((s) => s.partitions), [[0], []]);
  assert.match(said[0]!.text, /hears nothing on health partition 0/);
  assert.match(said[1]!.text, /flows again/);
});

test('a CP silent for two timeouts that central cannot judge yet is reported once, with the reason', () => {
  const now = { t: 0 };
  const { ctx, connected } = oneCp(now);
  const said: string[] = [];
  ctx.events.on((e) => e.kind === 'cp-undecided' && said.push(e.text));
  for (let t = 0; t <= 1000; t += 500) ctx.partitions.tick(0, 1, t);
  for (let t = 1500; t <= 9000; t += 500) {
    now.t = t; // partition 0 stalled since 1000: nothing is judged, and CP1 has been silent since
    checkLiveness(ctx);
  }
  assert.equal(connected(), true);
  assert.equal(said.length, 1);
  assert.match(said[0]!, /^CP1 silent for 7 s, not judged yet: health partition 0 is stalled/);
});

test('a slow partition (ticks every 2.2 s) still gets its silent CPs judged; an outage (7 s) gives them a timeout again', () => {
  const now = { t: 0 };
  const { ctx, connected } = oneCp(now);
  ctx.partitions = new PartitionWatch(2000, 64, undefined, 3000);
  let disconnectedAt: number | null = null;
  for (let t = 0; t <= 20_000 && disconnectedAt === null; t += 100) {
    if (t % 2200 === 0) ctx.partitions.tick(0, 1, t); // every tick a little over the stall threshold apart
    if (t === 4500) ctx.table.get('CP1')!.lastHeartbeatAt = t; // its last heartbeat, then nothing
    now.t = t;
    checkLiveness(ctx);
    if (!connected()) disconnectedAt = t;
  }
  assert.ok(disconnectedAt !== null && disconnectedAt <= 4500 + 3000 + 2200 + 100, `judged at ${disconnectedAt}`);

  const later = oneCp(now);
  later.ctx.partitions = new PartitionWatch(2000, 64, undefined, 3000);
  later.ctx.partitions.tick(0, 1, 1000);
  later.ctx.partitions.tick(0, 1, 8000); // 7 s away: an outage
  now.t = 10_500; // the CP last heard at 1000: 2.5 s after the partition came back, not yet
  checkLiveness(later.ctx);
  assert.equal(later.connected(), true);
});
