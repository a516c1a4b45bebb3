import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { runDriverSession } from '../../src/cli/roles/driver-session.js';
import { Shutdown } from '../../src/cli/shutdown.js';
import type { RoleEvent } from '../../src/roles/shared/index.js';
import { startNetwork, until } from './network.js';

test('--no-tui session: the end of input with a supply open stops it and waits for its ticket, as q does; exit 0', async () => {
  const net = await startNetwork();
  const printed: RoleEvent[] = [];
  // The CLI prints the driver's own events with the session's (connectDriver's onEvent).
  net.driver.onEvent((e) => printed.push(e));
  const input = new PassThrough();
  const shutdown = new Shutdown();
  const session = runDriverSession(net.driver, shutdown, (e) => printed.push(e), { input });
  input.write('request CP001\n');
  await until(net, new Promise<void>((resolve) => net.driver.onEvent((e) => e.kind === 'progress' && resolve())));
  input.end();
  const code = await until(net, session);
  shutdown.dispose();
  const kinds = printed.map((e) => e.kind);
  assert.ok(kinds.includes('quitting') && kinds.indexOf('quitting') < kinds.indexOf('ticket'), kinds.join(','));
  assert.match(printed.find((e) => e.kind === 'quitting')!.text, /stopping the supply at CP001 before quitting; waiting up to 60 s for its ticket/);
  assert.equal(printed.find((e) => e.kind === 'ticket')!.data['reason'], 'driver-stop');
  assert.equal(net.driver.store.getSnapshot().supply, null, 'no supply left running');
  assert.equal(code, 0);
  await net.close();
});
