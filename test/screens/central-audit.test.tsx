import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditTrail } from '../../src/roles/shared/audit.js';
import { newCounters } from '../../src/roles/shared/counters.js';
import { Outbox } from '../../src/roles/shared/outbox.js';
import { encodeMessage } from '../../src/protocol/index.js';
import { CentralScreen } from '../../src/screens/central/central-screen.js';
import { advance, KEYS, renderScreen, stripAnsi, waitFor } from './helpers.js';
import { spy, startNetwork, type Network } from './net.js';

/** The network of net.ts, with a central that reads the audit topic as the TUI's does. */
const startAuditedNetwork = (): Promise<Network> => startNetwork({ principal: 'central', groups: { main: 'central-group', state: 'central-state', lease: 'central-lease', audit: 'central-group-audit-1' } });

/** The lines of the audit view: between the totals and the event log. */
const auditRows = (frame: string) => frame.split('── events')[0]!.split('\n').filter((l) => /^\d\d:\d\d:\d\d /.test(l.trim()));

describe("central monitor: a opens the audit trail, every role's entries, newest first", () => {
  let net: Network;
  before(async () => {
    net = await startAuditedNetwork();
  });
  after(() => net.close());

  it("shows the operator's stop with who, what and the result, and a CP's refusal read from the audit topic", async () => {
    const s = spy(net.central, ['stop']);
    const r = renderScreen(<CentralScreen central={s.role} />, { clock: net.clock, columns: 160, rows: 40 });
    const frame = () => stripAnsi(r.frame());
    await waitFor(() => assert.match(frame(), /▸CP001/));

    // The operator stops CP001 with s; central writes it on the trail and reads it back.
    await r.press('s');
    await waitFor(() => assert.deepEqual(s.calls, ['stop("CP001")']));
    await advance(net, 200);

    await r.press('a');
    await waitFor(() => assert.match(frame(), /when +by +principal +action +target +result +detail/));
    await waitFor(() => assert.ok(auditRows(frame()).some((l) => /central +central +operator-stop +CP001 +ok +CP001 stopped/.test(l)), frame()));
    assert.doesNotMatch(frame().split('── events')[0]!, /▸CP001/, 'the audit view replaces the tiles');
    // Once the stop's notice has gone, the footer names the view's keys.
    await advance(net, 5200);
    await waitFor(() => assert.match(frame(), /↑↓\/jk scroll +PgUp\/PgDn page +a\/Esc back/));

    // A CP's own refusal (a record that did not open with its key), as its AuditTrail writes it.
    const cpOut = new Outbox(net.bus, net.clock, 'cp:CP002', newCounters(), () => {});
    const cpTrail = new AuditTrail(() => cpOut, 'cp:CP002', 'cp-CP002', net.clock);
    net.clock.advance(1000);
    cpTrail.refused({ topic: 'cp-commands', key: 'CP002', partition: 1, offset: '7' }, 'bad-tag: the record does not open with key cp:CP002:k1');
    await cpOut.flush();
    await advance(net, 200);
    await waitFor(() => {
      const rows = auditRows(frame());
      assert.match(rows[0] ?? '', /cp:CP002 +cp-CP002 +auth-failure +cp-commands CP002 +refused +bad-tag: the record does not open with key/, 'newest on top');
      assert.ok(rows.slice(1).some((l) => /operator-stop +CP001/.test(l)), frame());
    });
    // A record on the topic that is no audit entry is counted, not shown; central goes on.
    await net.bus.publish([{ topic: 'audit', key: 'x', value: 'not json' }]);
    await advance(net, 200);
    await waitFor(() => assert.match(frame(), /1 unreadable record/));
    cpTrail.close();
    cpOut.close();

    // Keys of one read all count: "aa" closes the view and opens it again.
    await r.press('aa');
    await waitFor(() => assert.match(frame(), /when +by +principal +action/));
    await r.press(KEYS.escape);
    await waitFor(() => assert.match(frame(), /▸CP001/));
    r.unmount();
  });

  it('scrolls with j/k and arrows, every key of a batch counting, and stops at either end', async () => {
    // Forty more entries than a page holds, written as central's own would be.
    const at0 = net.clock.now();
    await net.bus.publish(
      Array.from({ length: 40 }, (_, i) => encodeMessage('audit.entry', 'central', { by: 'central', principal: null, action: 'operator-resume', target: `CPX${String(i).padStart(2, '0')}`, result: 'failed', detail: `unknown charge point CPX${i}` }, at0 + 10_000 + i * 1000)),
    );
    await advance(net, 200);
    const r = renderScreen(<CentralScreen central={net.central} />, { clock: net.clock, columns: 160, rows: 40 });
    const frame = () => stripAnsi(r.frame());
    const top = () => auditRows(frame())[0] ?? '';
    await waitFor(() => assert.match(frame(), /▸CP001/));
    await r.press('a');
    await waitFor(() => assert.match(top(), /CPX39/, 'the newest first'));
    await r.press('jj');
    await waitFor(() => assert.match(top(), /CPX37/));
    await r.press(KEYS.down, KEYS.down, 'k');
    await waitFor(() => assert.match(top(), /CPX36/));
    await r.press('kkkkkkkk');
    await waitFor(() => assert.match(top(), /CPX39/, 'not above the newest'));
    await r.press(KEYS.pageDown, KEYS.pageDown, KEYS.pageDown, KEYS.pageDown);
    await waitFor(() => assert.match(frame(), /operator-stop +CP001/, 'the oldest at the bottom of the last page'));
    const last = auditRows(frame());
    assert.match(last.at(-1)!, /operator-stop +CP001|auth-failure/);
    await r.press('j');
    assert.deepEqual(auditRows(frame()), last, 'not past the oldest');
    r.unmount();
  });
});
