import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bus, OutgoingRecord } from '../../src/bus/bus.js';
import { Pulse } from '../../src/roles/central/pulse.js';
import { newCounters } from '../../src/roles/shared/counters.js';

/** A bus whose publishes of tick `stuck` never finish (its partition's leader went silent). */
function busWithSilentPartition(stuck: number) {
  const delivered: number[] = [];
  const bus = {
    publish: (records: OutgoingRecord[]) => {
      const indexes = records.map((r) => (JSON.parse(r.value!) as { payload: { index: number } }).payload.index);
      if (indexes.includes(stuck)) return new Promise<void>(() => {});
      delivered.push(...indexes);
      return Promise.resolve();
    },
  } as unknown as Bus;
  return { bus, delivered };
}

const clock = { now: () => Date.now(), setTimeout, clearTimeout, setInterval, clearInterval } as never;

test('a tick whose partition went silent holds back no other tick, and at most one more waits behind it', async () => {
  const { bus, delivered } = busWithSilentPartition(1);
  const pulse = new Pulse(bus, clock, newCounters(), 'central-1');
  for (let second = 0; second < 3; second++) {
    pulse.send([[0], [1], [2]]);
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(delivered, [0, 2, 0, 2, 0, 2]);
  assert.equal(pulse.queued, 1, 'one tick waits behind the silent partition\'s publish, not two');
  pulse.close();
});

test('a slow publish is followed at once by the tick that waited for it: no second is skipped', async () => {
  const delivered: number[] = [];
  let release: (() => void) | null = null;
  const bus = {
    publish: (records: OutgoingRecord[]) => {
      delivered.push(...records.map((r) => (JSON.parse(r.value!) as { payload: { index: number } }).payload.index));
      return delivered.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    },
  } as unknown as Bus;
  const pulse = new Pulse(bus, clock, newCounters(), 'central-1');
  pulse.send([[4]]); // goes out, slow
  await new Promise((r) => setImmediate(r));
  pulse.send([[4]]); // a second later: waits
  assert.equal(pulse.queued, 1);
  release!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(delivered, [4, 4]);
  pulse.close();
});
