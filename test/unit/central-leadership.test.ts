import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { pickActive, decodeClaim, encodeClaim, type LeaseClaim } from '../../src/kafka/lease-claim.js';
import { standbyLine, readOnlyRefusal, adoptRecord } from '../../src/roles/central/leadership.js';
import { startCentral } from '../../src/roles/central/index.js';
import { FakeCp, CENTRAL_GROUPS } from './fakes.js';
import { flush, testNet } from './helpers.js';

const claim = (startedAt: number, activeSince: number | null, consumerSeq = 1): LeaseClaim => ({ instanceId: randomUUID(), host: 'h', pid: startedAt, startedAt, activeSince, consumerSeq });

test('the lease stays with the member that says it is active, whoever joins', () => {
  assert.equal(pickActive([{ memberId: 'b', claim: claim(5, null) }, { memberId: 'a', claim: claim(9, 100) }]), 'a');
  // An old active that was paused comes back beside its successor: the later election wins.
  assert.equal(pickActive([{ memberId: 'old', claim: claim(1, 100) }, { memberId: 'new', claim: claim(2, 200) }]), 'new');
  // Nobody active: the longest-running member; unreadable claims last; ties by member id.
  assert.equal(pickActive([{ memberId: 'x', claim: null }, { memberId: 'y', claim: claim(7, null) }, { memberId: 'z', claim: claim(3, null) }]), 'z');
  assert.equal(pickActive([{ memberId: 'n', claim: null }, { memberId: 'm', claim: null }]), 'm');
  assert.equal(pickActive([]), null);
});

test('of one central\'s lease consumers only the newest counts: a replaced one still in the group is never handed the lease', () => {
  // Seen on the namespace hosts: the active central's watchdog replaced its lease consumer; the
  // old one was still a member with the same claim and a smaller member id, so it got the lease,
  // the current consumer came back unassigned and the active central stepped down for nothing.
  const active = claim(1, 100, 1);
  const standby = claim(0, null);
  const members = [
    { memberId: 'a-stale', claim: active },
    { memberId: 'z-current', claim: { ...active, consumerSeq: 2 } },
    { memberId: 'm-standby', claim: standby },
  ];
  assert.equal(pickActive(members), 'z-current');
  // The same central as a standby: its stale consumer does not win by starting first either.
  const idle = claim(0, null, 3);
  assert.equal(pickActive([{ memberId: 'a', claim: idle }, { memberId: 'b', claim: { ...idle, consumerSeq: 4 } }, { memberId: 'c', claim: claim(5, null) }]), 'b');
});

test('a claim survives encoding, and garbage decodes to null instead of throwing', () => {
  const c = claim(42, 43);
  assert.deepEqual(decodeClaim(encodeClaim(c)), c);
  assert.equal(decodeClaim(Buffer.from('{not json')), null);
  assert.equal(decodeClaim(Buffer.from('{"host":1}')), null);
  assert.equal(decodeClaim(null), null);
});

test('standby texts name the active central', () => {
  const active = { instanceId: randomUUID(), host: 'm1', pid: 7, since: new Date(2026, 0, 1, 9, 5, 3).getTime() };
  assert.equal(standbyLine(active), 'standby · active: m1 pid 7 since 09:05:03');
  assert.deepEqual(readOnlyRefusal(active), { ok: false, text: 'standby: read-only, the active central is m1 pid 7' });
  assert.equal(standbyLine(null), 'standby · the active central has not announced itself yet');
});

test('a CP adopted by a new central keeps its recorded connection; its silence counts from now', () => {
  const base = { id: 'CP1', location: '', pricePerKwh: 0.3, maxKw: 22, instanceId: randomUUID(), state: 'AVAILABLE' as const, outOfService: false, faulted: false, registeredAt: 1, supply: null, recentSessions: [], totals: { sessions: 0, kwh: 0, eur: 0 } };
  assert.equal(adoptRecord({ ...base, connected: true, lastHeartbeatAt: 5 }, 1000).lastHeartbeatAt, 1000);
  assert.equal(adoptRecord({ ...base, connected: false, lastHeartbeatAt: 5 }, 1000).lastHeartbeatAt, 5);
});

test('embedded bus: the second central is a read-only standby with a warm copy, and takes over when the first leaves', async () => {
  const net = testNet();
  const first = await startCentral({ bus: net.bus, clock: net.clock, groups: CENTRAL_GROUPS });
  const second = await startCentral({ bus: net.bus, clock: net.clock, groups: { ...CENTRAL_GROUPS, state: 'central-group-state-2' } });
  assert.equal(first.store.getSnapshot().phase, 'serving');
  assert.equal(second.store.getSnapshot().phase, 'standby');
  const cp = new FakeCp(net, 'CP1');
  await cp.register();
  await flush(net);
  assert.equal(second.store.getSnapshot().cps[0]?.state, 'AVAILABLE', 'the standby mirrors cp-state');
  assert.match((await second.stop('CP1')).text, /^standby: read-only, the active central is /);
  assert.equal(first.store.getSnapshot().cps[0]?.outOfService, false, 'the refused stop changed nothing');

  await first.close();
  await flush(net);
  assert.equal(second.store.getSnapshot().phase, 'serving');
  assert.equal((await second.stop('CP1')).text, 'CP1 stopped');
  await second.close();
});
