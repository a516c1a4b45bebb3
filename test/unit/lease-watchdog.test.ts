import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { KafkaLease } from '../../src/kafka/lease.js';
import type { Kafka } from '../../src/kafka/kafkajs.js';

// The lease's watchdog over a stand-in for kafkajs's consumer: the test plays the group
// coordinator (join, heartbeats) and the cluster probe. A 200 ms session: the watchdog acts after
// 400 ms without a word from the group.
const SESSION = 200;
const dir = mkdtempSync(path.join(os.tmpdir(), 'evcharge-lease-'));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  for (const deadline = Date.now() + ms; !ok(); await sleep(20)) if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
}

type Listener = (e: { payload: Record<string, unknown> }) => void;
class StandInConsumer {
  readonly events = { HEARTBEAT: 'heartbeat', CRASH: 'crash', GROUP_JOIN: 'group_join', REBALANCING: 'rebalancing' };
  private readonly listeners = new Map<string, Listener[]>();
  on(event: string, l: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
  }
  emit(event: string, payload: Record<string, unknown> = {}) {
    for (const l of this.listeners.get(event) ?? []) l({ payload });
  }
  async connect() {}
  async subscribe() {}
  async run() {}
  async disconnect() {}
}

function election(name: string, elect: (logged: (line: string) => boolean) => Promise<void>) {
  const log = path.join(dir, `${name}.log`);
  const logged = (line: string) => existsSync(log) && readFileSync(log, 'utf8').includes(line);
  const consumers: StandInConsumer[] = [];
  const kafka = { consumer: () => (consumers.push(new StandInConsumer()), consumers.at(-1)!) } as unknown as Kafka;
  const probes: number[] = [];
  const lease = new KafkaLease(
    kafka,
    { group: 'g', identity: { instanceId: 'i', host: 'h', pid: 1, startedAt: 0 }, sessionTimeoutMs: SESSION },
    'central-lease',
    { elect: () => elect(logged), depose: async () => {}, clusterAnswers: async () => (probes.push(Date.now()), true) },
    log,
  );
  const join = (c: StandInConsumer) => c.emit('group_join', { memberId: 'm', memberAssignment: { 'central-lease': [0] } });
  return { lease, consumers, probes, join, logged };
}

test('a watchdog step that finds the lease confirmed again meanwhile does nothing', { timeout: 10_000 }, async () => {
  // The election's first step (fencing) takes a while, so the watchdog's step waits its turn;
  // meanwhile the group answers again (kafkajs found the moved coordinator by itself).
  let heartbeat: () => void = () => {};
  const { lease, consumers, probes, join, logged } = election('confirmed-again', async (logged) => {
    await until('the watchdog acting', () => logged('lease not confirmed; joining again'));
    heartbeat();
  });
  await lease.start();
  heartbeat = () => consumers[0]!.emit('heartbeat');
  join(consumers[0]!);
  await until('the watchdog step done', () => logged('lease confirmed again; staying as it is'));
  assert.equal(lease.status().role, 'active');
  assert.deepEqual(probes, [], 'no probe: the group had answered');
  assert.equal(consumers.length, 1, 'no rejoin: the consumer is the same');
  await lease.close();
});

test('without a word from the group, the watchdog probes the cluster and joins again, staying active when it answers', { timeout: 10_000 }, async () => {
  const { lease, consumers, probes, join } = election('silent', async () => {});
  await lease.start();
  join(consumers[0]!);
  await until('a probe', () => probes.length >= 1);
  await until('a fresh consumer', () => consumers.length >= 2);
  assert.equal(lease.status().role, 'active', 'the cluster answered: still the active one');
  await lease.close();
});

test('a rebalance whose join never comes back is not confirmed by heartbeats: the watchdog joins again', { timeout: 10_000 }, async () => {
  const standby = election('join-lost-standby', async () => {});
  await standby.lease.start();
  standby.consumers[0]!.emit('group_join', { memberId: 'm', memberAssignment: { 'central-lease': [] } });
  await until('standby', () => standby.lease.status().role === 'standby');
  // The active central's host vanished: the group rebalances, this member's join never returns,
  // yet its heartbeats are answered.
  standby.consumers[0]!.emit('rebalancing');
  const beat = setInterval(() => standby.consumers[0]!.emit('heartbeat'), 20);
  try {
    await until('a fresh consumer', () => standby.consumers.length >= 2);
    assert.ok(standby.logged('lease not confirmed; joining again'));
  } finally {
    clearInterval(beat);
  }
  // The fresh member joins and is given the lease.
  standby.join(standby.consumers[1]!);
  await until('active', () => standby.lease.status().role === 'active');
  await standby.lease.close();
});
