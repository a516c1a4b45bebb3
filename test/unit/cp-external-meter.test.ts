import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chargeTicket } from '../../src/protocol/index.js';
import { joinNetwork, testNet } from '../helpers/embedded-net.js';
import { flush, run } from './helpers.js';
import { startTestCentral } from './fakes.js';

/** Central, one CP whose hardware is outside (what the OCPP gateway runs), and a driver. */
async function externalNetwork() {
  const told: string[] = [];
  const net = testNet();
  const central = await startTestCentral(net);
  const joined = await joinNetwork(
    net,
    central,
    [
      {
        groups: { main: 'cp-EXT1-group' },
        id: 'EXT1',
        location: 'Garage',
        pricePerKwh: 0.4,
        maxKw: 11,
        external: {
          supplyStarted: (sessionId, driverId) => told.push(`start ${sessionId} ${driverId}`),
          stopRequested: (sessionId) => told.push(`stop ${sessionId}`),
          serviceChanged: (inService) => told.push(inService ? 'in-service' : 'out-of-service'),
        },
      },
    ],
    { groups: { main: 'driver-D1-group', state: 'driver-D1-group-state' }, id: 'D1', answerTimeoutMs: 5000 },
    1000,
  );
  return { net: joined, told, cp: joined.cps.get('EXT1')! };
}

test('an external meter drives the figures: no simulated energy, each reading is telemetry, the end is the station\'s kWh', async () => {
  const { net, cp } = await externalNetwork();
  const answer = await net.driver.request('EXT1');
  assert.ok(answer.granted);
  await run(net, 5000);
  assert.equal(cp.store.getSnapshot().supply?.kwh, 0, 'nothing accrues without a reading');

  assert.equal((await cp.reading({ kw: 7.2, kwh: 0.5 })).ok, true);
  assert.equal((await cp.reading({ kw: 7.1, kwh: 0.4 })).ok, true, 'a lower register is taken as the same energy');
  await flush(net);
  assert.equal(net.driver.store.getSnapshot().supply?.kwh, 0.5);
  assert.equal(net.central.store.getSnapshot().cps[0]!.supply?.kw, 7.1);
  assert.equal((await cp.reading({ kw: -1, kwh: 1 })).ok, false, 'out of range readings are refused');

  const ticket = net.driver.ticketFor(answer.sessionId);
  assert.equal((await cp.stationEnded(1.234)).ok, true);
  await flush(net);
  const t = await ticket;
  assert.equal(t?.kwh, 1.234);
  assert.equal(t?.totalEur, chargeTicket(1.234, 0.4).totalEur);
  assert.equal(t?.reason, 'unplugged');
  assert.equal((await cp.reading({ kw: 1, kwh: 2 })).ok, false, 'no supply open any more');
  await net.close();
});

test('central stopping an external CP asks the station, and the supply ends only when the station reports its meter', async () => {
  const { net, cp, told } = await externalNetwork();
  const answer = await net.driver.request('EXT1');
  assert.ok(answer.granted);
  await run(net, 1000);
  await cp.reading({ kw: 11, kwh: 0.25 });
  const stopped = await net.central.stop('EXT1');
  assert.equal(stopped.ok, true);
  await flush(net);
  assert.deepEqual(told, [`start ${answer.sessionId} D1`, `stop ${answer.sessionId}`, 'out-of-service']);
  assert.equal(cp.store.getSnapshot().state, 'CHARGING', 'still supplying until the station ends it');

  const ticket = net.driver.ticketFor(answer.sessionId);
  await cp.stationEnded(0.3);
  await flush(net);
  const t = await ticket;
  assert.equal(t?.kwh, 0.3);
  assert.equal(t?.reason, 'central-stop');

  await net.central.resume('EXT1');
  await flush(net);
  assert.deepEqual(told.slice(3), ['in-service']);
  await net.close();
});

test('a fault at an external CP ends its supply at the last reading', async () => {
  const { net, cp } = await externalNetwork();
  const answer = await net.driver.request('EXT1');
  assert.ok(answer.granted);
  await run(net, 1000);
  await cp.reading({ kw: 11, kwh: 0.125 });
  const ticket = net.driver.ticketFor(answer.sessionId);
  await cp.fault('GroundFailure');
  await flush(net);
  const t = await ticket;
  assert.equal(t?.kwh, 0.125);
  assert.equal(t?.reason, 'cp-fault');
  assert.equal(net.central.store.getSnapshot().cps[0]!.state, 'FAULTED');
  await net.close();
});
