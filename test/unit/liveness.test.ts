import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { CentralContext } from '../../src/roles/central/context.js';
import { checkLiveness } from '../../src/roles/central/cp-lifecycle.js';
import { CpTable } from '../../src/roles/central/cp-table.js';
import { PartitionWatch } from '../../src/roles/central/partition-watch.js';
import { EventFeed } from '../../src/roles/shared/events.js';

/** Central's liveness rule over one connected CP on health partition 0, last heard at 1000. */
function oneCp(now: { t: number }) {
  const table = new CpTable();
  table.put({ id: 'CP1', location: '', pricePerKwh: 0.3, maxKw: 22, instanceId: randomUUID(), state: 'AVAILABLE', outOfService: false, faulted: false, registeredAt: 1, supply: null, recentSessions: [], totals: { sessions: 0, kwh: 0, eur: 0 }, connected: true, lastHeartbeatAt: 1000 });
  table.takeChanged();
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
