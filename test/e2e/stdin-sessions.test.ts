import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork, type RoleProcess } from '../helpers/role-process.js';
import { runCli } from '../helpers/run-cli.js';

// Headless roles read commands from stdin, one per line, as scripts and pipes feed them.
const net = new TestNetwork({ heartbeatTimeoutMs: 2000 });
let central: RoleProcess;
after(() => net.stopAll());

before(async () => {
  central = net.central();
  await central.waitForKind('kafka-connected');
  net.cp('CPS', ['--speed', '40']);
  await central.waitForKind('cp-registered', { cpId: 'CPS' });
});

const answers = (p: RoleProcess, from: number) => p.events.slice(from).filter((e) => e.kind === 'command' || e.kind === 'command-error');

test('central --no-tui answers stdin commands in the order asked, even when they arrive in one write', async () => {
  const lines = ['stop CPS', 'help', 'resume CPS', 'stop NOPE', 'bogus', 'status'];
  const from = central.events.length;
  central.sendAll(lines);
  await central.waitFor(() => answers(central, from).length >= lines.length, 'six answers', 20000, from);
  const got = answers(central, from);
  assert.deepEqual(got.map((e) => e['line']), lines, 'one answer per line, in order');
  assert.deepEqual(got.map((e) => e.kind), ['command', 'command', 'command', 'command-error', 'command-error', 'command']);
  assert.match(String(got[4]!['text']), /unknown command "bogus"/);
  assert.match(String(got[5]!['text']), /^CPS\s+AVAILABLE/m, 'the status after the resume shows it');
});

test('a headless driver ends its session at the end of input: exit 0 with nothing asked, 1 after a denial answered first', async () => {
  const idle = net.driver('DEOF1');
  idle.endInput();
  const { code } = await idle.exited;
  assert.equal(code, 0, idle.outcome());
  assert.equal(idle.count('ready'), 1);

  const denied = net.driver('DEOF2');
  await denied.waitForKind('ready');
  denied.sendAll(['request NOPE', 'list']);
  denied.endInput();
  const ended = await denied.exited;
  assert.equal(ended.code, 1, `a denied request makes the session exit 1\n${denied.outcome()}`);
  const kinds = denied.events.map((e) => e.kind);
  assert.ok(kinds.indexOf('denied') >= 0 && kinds.indexOf('denied') < kinds.indexOf('cp-list'), `the denial comes before the next command's answer: ${kinds.join(',')}`);
});

test('a headless driver fed a whole session by a pipe: request, stop, tickets, then end of input; exit 0', async () => {
  const d = net.driver('DEOF3');
  await d.waitForKind('ready');
  d.sendAll(['request CPS', 'stop', 'tickets']);
  d.endInput();
  const { code } = await d.exited;
  assert.equal(code, 0, d.outcome());
  const kinds = d.events.map((e) => e.kind);
  assert.ok(kinds.indexOf('granted') >= 0 && kinds.indexOf('granted') < kinds.indexOf('tickets'), kinds.join(','));
});

test('driver --cp --no-tui says each thing once: one "requesting" line, one denial line', async () => {
  const r = await runCli(['driver', '--id', 'DDUP', '--cp', 'NOPE', '--no-tui', '--config', net.configPath], { timeoutMs: 60000 });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines.filter((l) => /requesting/.test(l)).length, 1, r.stdout);
  assert.equal(lines.filter((l) => /denied/.test(l)).length, 1, r.stdout);
  assert.match(r.stdout, /denied at NOPE: unknown charge point \(unknown-cp\)/);
});

test('central --no-tui forgets a killed CP after a yes: a driver and a second central (from cp-state) never list it again', async () => {
  const gone = net.cp('CPGONE');
  await central.waitForKind('cp-registered', { cpId: 'CPGONE' });
  gone.signal('SIGKILL');
  await central.waitForKind('cp-disconnected', { cpId: 'CPGONE' }, 30000);

  const asked = await central.ask('forget CPGONE', (t) => t.startsWith('forget CPGONE'), 'the question');
  assert.match(asked, /^forget CPGONE\? It leaves every screen, cp-state and the totals\.\ntype yes/);
  assert.equal(await central.ask('yes', (t) => t.startsWith('forgot'), 'the answer'), 'forgot CPGONE');
  assert.match(await central.ask('forget CPS yes', (t) => t.startsWith('nothing'), 'a live CP is kept'), /CPS stays \(AVAILABLE/);

  const d = net.driver('DFORGET');
  await d.waitForKind('ready');
  // Its list fills as it reads cp-state: ask until the live CP is on it.
  let ids: string[] = [];
  for (let tries = 0; !ids.includes('CPS'); tries++) {
    assert.ok(tries < 30, `the driver never listed CPS (last: ${ids.join(',')})`);
    const from = d.events.length;
    d.send('list');
    const list = await d.waitFor((e) => e.kind === 'cp-list', 'a cp list', 10000, from);
    ids = (list['cps'] as { id: string }[]).map((c) => c.id);
    if (!ids.includes('CPS')) await new Promise((r) => setTimeout(r, 300));
  }
  assert.ok(!ids.includes('CPGONE'), `the driver lists ${ids.join(',')}`);

  // A second central builds its copy from cp-state alone: the tombstone is there.
  const standby = net.central();
  await standby.waitForKind('standby');
  const status = await standby.ask('status', (t) => /^CPS\s/m.test(t), 'the standby status');
  assert.doesNotMatch(status, /CPGONE/);
  await standby.stop();
  await d.stop();
});
