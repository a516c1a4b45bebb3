import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CentralSnapshot, CpView } from '../../src/roles/central/index.js';
import { CentralScreen } from '../../src/screens/central/central-screen.js';
import type { CentralRole } from '../../src/screens/central/central-role.js';
import { sortCps } from '../../src/screens/central/table-sort.js';
import { advance, KEYS, renderScreen, stripAnsi, waitFor } from './helpers.js';
import { spy, startNetwork, type Network } from './net.js';

/** Rows of the table in the frame, by CP id, top to bottom. */
const rowIds = (frame: string) => [...frame.matchAll(/^[▸ ] (CP\d+) /gm)].map((m) => m[1]);

describe('central monitor: the table view (t)', () => {
  let net: Network;
  before(async () => {
    net = await startNetwork();
  });
  after(() => net.close());

  it('t shows one row per CP with its columns; < and > sort by another column; the keys act on the selected row', async () => {
    const s = spy(net.central, ['stop']);
    const r = renderScreen(<CentralScreen central={s.role} />, { clock: net.clock, columns: 160, rows: 40 });
    const frame = () => stripAnsi(r.frame());
    await waitFor(() => assert.match(frame(), /CP003/));
    await r.press('t');
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /^ {2}id ▲ +location +state +kW +driver +€ +heard/m));
    assert.deepEqual(rowIds(frame()), ['CP001', 'CP002', 'CP003']);
    assert.match(frame(), /^▸ CP001 +Madrid Centro +● AVAILABLE/m);
    assert.match(frame(), /3 charge points · sorted by id ▲/);

    await r.press('>');
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /location ▲/));
    assert.deepEqual(rowIds(frame()), ['CP002', 'CP001', 'CP003'], 'Bilbao, Madrid, Sevilla');
    await r.press('<', '<');
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /heard ▼/));

    await r.press('<', '<', '<', '<', '<', KEYS.down);
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /location ▲/));
    assert.match(frame(), /^▸ CP001 /m, 'down moved to the second row, Madrid');
    assert.match(frame(), /CP001 Madrid Centro/, 'the detail panel follows the row');
    await r.press('s');
    await waitFor(() => assert.deepEqual(s.calls, ['stop("CP001")']));
    await r.press('t');
    await advance(net, 200);
    await waitFor(() => assert.doesNotMatch(frame(), /sorted by/));
    r.unmount();
  });
});

/** A central with `count` CPs, every 10th one charging, and nothing else going on. */
function bigCentral(count: number): CentralRole {
  const cps: CpView[] = [];
  for (let i = 1; i <= count; i++) {
    const charging = i % 10 === 0;
    cps.push(Object.freeze({
      id: `CP${String(i).padStart(5, '0')}`, location: `Street ${count - i}`, pricePerKwh: 0.3, maxKw: 22, instanceId: randomUUID(),
      state: charging ? 'CHARGING' : 'AVAILABLE', connected: true, faulted: false, outOfService: false, registeredAt: 0, lastHeartbeatAt: 0,
      supply: charging ? { sessionId: randomUUID(), requestId: randomUUID(), driverId: `D${i}`, startedAt: 0, confirmed: true, kw: (i % 97) + 0.5, kwh: 1, eur: 0.3, lastSeq: 1, pricePerKwh: 0.3, ending: null } : null,
      recentSessions: [], totals: { sessions: 0, kwh: 0, eur: 0 },
    }) as CpView);
  }
  const snapshot: CentralSnapshot = Object.freeze({
    phase: 'serving' as const, cps,
    totals: { byState: { AVAILABLE: count - count / 10, CHARGING: count / 10, OUT_OF_SERVICE: 0, FAULTED: 0, DISCONNECTED: 0 }, openSupplies: count / 10, sessions: 0, kwh: 0, eur: 0, today: { sessions: 0, kwh: 0, eur: 0 } },
    bus: { state: 'connected' as const, brokers: ['embedded'] },
    leadership: { role: 'active' as const, self: { instanceId: 'x', host: hostname(), pid: 1, startedAt: 0 }, active: null },
    audit: null,
  });
  const result = async () => ({ ok: true, text: '' });
  return {
    store: { getSnapshot: () => snapshot, subscribe: () => () => {} },
    onEvent: () => () => {},
    counters: () => ({ messagesIn: 0, messagesOut: 0, malformed: 0, duplicates: 0 }),
    busStatus: () => snapshot.bus,
    stop: result, resume: result, forget: result, resetKeys: result,
  };
}

describe('central monitor: the table over 10,000 CPs', () => {
  it('draws only the page with the selection; End and sorting by kW reach the far end', async () => {
    const r = renderScreen(<CentralScreen central={bigCentral(10_000)} />, { columns: 200, rows: 60 });
    const frame = () => stripAnsi(r.frame());
    await waitFor(() => assert.match(frame(), /CP00001/));
    await r.press('t');
    await waitFor(() => assert.match(frame(), /page 1\/\d+ · 1–\d+ of 10000 · PgUp\/PgDn · sorted by id ▲/));
    const perPage = rowIds(frame()).length;
    assert.ok(perPage >= 20 && perPage < 60, `${perPage} rows on a page`);
    await r.press(`${'\u001B'}[F`);
    await waitFor(() => assert.match(frame(), /^▸ CP10000 /m));
    await r.press('>', '>', '>');
    await waitFor(() => assert.match(frame(), /kW ▼/));
    // The selection stays on CP10000; the page shown is the one holding it in kW order.
    const sorted = sortCps(bigCentral(10_000).store.getSnapshot().cps, { column: 'kW', descending: true }).map((cp) => cp.id);
    const at = sorted.indexOf('CP10000');
    const page = sorted.slice(Math.floor(at / perPage) * perPage, Math.floor(at / perPage) * perPage + perPage);
    assert.deepEqual(rowIds(frame()), page);
    assert.match(frame(), /^▸ CP10000 /m);
    r.unmount();
  });
});
