import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCentral } from '../../src/roles/central/index.js';
import { encodeMessage } from '../../src/protocol/index.js';
import { CentralScreen } from '../../src/screens/central/central-screen.js';
import { testNet, type TestNet } from '../helpers/embedded-net.js';
import { advance, renderScreen, stripAnsi, waitFor } from './helpers.js';
import type { Central } from '../../src/roles/central/index.js';

describe('central monitor: the audit view fits the terminal, from the smallest size up', () => {
  let net: TestNet;
  let central: Central;
  before(async () => {
    net = testNet();
    central = await startCentral({ bus: net.bus, clock: net.clock, groups: { main: 'central-group', state: 'central-state', lease: 'central-lease', audit: 'central-group-audit-1' } });
    await net.bus.publish(
      Array.from({ length: 60 }, (_, i) => encodeMessage('audit.entry', 'central', { by: 'central', principal: 'central', action: 'operator-stop', target: `CP${i}`, result: 'ok', detail: `CP${i} stopped, with a detail long enough to be cut at the edge of a narrow terminal` }, net.clock.now() + i)),
    );
    await advance(net, 200);
  });
  after(async () => {
    await central.close();
    await net.bus.close();
  });

  for (const [columns, rows] of [[60, 22], [100, 30], [200, 60]] as const) {
    it(`${columns}×${rows}: header, the entries, the status line, the log and the footer, no line wider than the terminal`, async () => {
      const r = renderScreen(<CentralScreen central={central} />, { clock: net.clock, columns, rows });
      const frame = () => stripAnsi(r.frame());
      await r.press('a');
      await waitFor(() => assert.match(frame(), /audit trail, newest first · 1–\d+ of 60/));
      const lines = frame().split('\n');
      assert.ok(lines.length <= rows, `${lines.length} lines in ${rows} rows`);
      for (const l of lines) assert.ok(Array.from(l).length <= columns, `too wide: ${l}`);
      assert.match(lines[0]!, /evcharge central/);
      assert.match(frame(), /^\S.*CP59 /m, 'the newest entry is shown');
      assert.match(frame(), /── events/);
      assert.match(lines.at(-1)!, /q quit/);
      r.unmount();
    });
  }
});
