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
      const indexes = records.map((r) => (JSON.parse(r.value) as { payload: { index: number } }).payload.index);
      if (indexes.includes(stuck)) return new Promise<void>(() => {});
      delivered.push(...indexes);
      return Promise.resolve();
    },
  } as unknown as Bus;
  return { bus, delivered };
}

const clock = { now: () => Date.now(), setTimeout, clearTimeout, setInterval, clearInterval } as never;

test('a tick whose partition went silent holds back no other tick, and is not queued again while pending', async () => {
  const { bus, delivered } = busWithSilentPartition(1);
  const pulse = new Pulse(bus, clock, newCounters(), 'central-1');
  for (let second = 0; second < 3; second++) {
    pulse.send([[0], [1], [2]]);
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(delivered, [0, 2, 0, 2, 0, 2]);
  assert.equal(pulse.inFlight, 1, 'one pending tick for the silent partition, not three');
  pulse.close();
});
