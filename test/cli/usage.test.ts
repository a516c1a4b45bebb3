import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

test('--help lists the four commands and exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const cmd of ['central', 'cp', 'driver', 'demo']) assert.match(r.stdout, new RegExp(`evcharge ${cmd}\\b`));
});

test('--version prints the package version', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('no command prints usage and exits 2', async () => {
  const r = await runCli([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /name a command/);
  assert.match(r.stderr, /Commands:/);
});

test('an unknown command prints usage and exits 2', async () => {
  const r = await runCli(['recharge']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown argument: recharge/);
  assert.match(r.stderr, /Commands:/);
});

test('an unknown flag prints usage and exits 2', async () => {
  const r = await runCli(['central', '--turbo']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown argument: turbo/);
});

test('cp and driver without --id exit 2 naming the flag', async () => {
  for (const role of ['cp', 'driver']) {
    const r = await runCli([role, '--no-tui']);
    assert.equal(r.code, 2, role);
    assert.match(r.stderr, /Missing required argument: id/, role);
  }
});

test('a flag missing its value exits 2', async () => {
  const r = await runCli(['cp', '--id']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Not enough arguments following: id/);
});

test('a config that does not exist exits 2 naming the file', async () => {
  const r = await runCli(['central', '--no-tui', '--config', 'no/such/file.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no\/such\/file\.yaml: cannot read it \(file not found\)/);
  assert.equal(r.stdout, '');
});

test('ids that are not 1-64 letters, digits, - or _ exit 2 naming --id, before touching Kafka', async () => {
  // An unreachable broker: if the id check came after connecting, this would wait and fail differently.
  const env = { EVCHARGE_BROKERS: '127.0.0.1:1' };
  for (const id of ['CP 1', 'x'.repeat(500), 'CP/1']) {
    const r = await runCli(['cp', '--id', id, '--no-tui'], { env });
    assert.equal(r.code, 2, id);
    assert.match(r.stderr, /--id: /, id);
    assert.doesNotMatch(r.stderr, /Kafka/);
  }
  const d = await runCli(['driver', '--id', 'D 1', '--no-tui'], { env });
  assert.equal(d.code, 2);
  assert.match(d.stderr, /--id: /);
});

test('driver flag mistakes exit 2 with the flag named', async () => {
  const env = { EVCHARGE_BROKERS: '127.0.0.1:1' };
  const cases: [string[], RegExp][] = [
    [['driver', '--id', 'D1', '--kwh', '2'], /--kwh and --seconds need --cp or --file/],
    [['driver', '--id', 'D1', '--cp', 'CP1', '--file', 'x.txt'], /Arguments cp and file are mutually exclusive/],
    [['driver', '--id', 'D1', '--cp', 'CP1', '--kwh', '-3'], /--kwh: expected a positive number/],
    [['driver', '--id', 'D1', '--file', 'no-such-services.txt'], /--file no-such-services\.txt: cannot read it \(ENOENT\)/],
    [['cp', '--id', 'CP1', '--price', '0'], /--price: expected a positive number/],
    [['cp', '--id', 'CP1', '--max-kw', 'lots'], /--max-kw: expected a positive number/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli([...args, '--no-tui'], { env });
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, pattern, args.join(' '));
    assert.equal(r.stdout, '', 'nothing on stdout');
  }
});

test('with no broker answering, a role waits visibly, then exits 2 naming the addresses', async () => {
  const dir = await import('node:fs').then((fs) => fs.mkdtempSync(`${(process.env.TMPDIR ?? '/tmp')}/evcharge-cli-`));
  const config = `${dir}/c.yaml`;
  const { readFileSync, writeFileSync } = await import('node:fs');
  writeFileSync(config, readFileSync('kafka_config.yaml', 'utf8').replace('startup_timeout_ms: 15000', 'startup_timeout_ms: 2000'));
  const r = await runCli(['central', '--no-tui', '--config', config], { env: { EVCHARGE_BROKERS: '127.0.0.1:1' } });
  assert.equal(r.code, 2);
  assert.match(r.stdout, /waiting for Kafka at 127\.0\.0\.1:1 \(connection refused\); giving up after 2 s/);
  assert.match(r.stderr, /no Kafka broker answered at 127\.0\.0\.1:1 within 2 s/);
  assert.match(r.stderr, /npm run kafka:up/);
});

test('a number flag given text names what was typed; --help shows the CP defaults; doctor offers no --tui', async () => {
  const bad = await runCli(['cp', '--id', 'CP1', '--price', 'abc', '--no-tui']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--price: expected a positive number, got "abc"/);
  const eq = await runCli(['driver', '--id', 'D1', '--cp', 'CP1', '--kwh=lots', '--no-tui']);
  assert.match(eq.stderr, /--kwh: expected a positive number, got "lots"/);
  const help = await runCli(['cp', '--help']);
  assert.match(help.stdout, /--price .*\[default: 0\.35\]/);
  assert.match(help.stdout, /--max-kw .*\[default: 22\]/);
  const doctor = await runCli(['doctor', '--help']);
  assert.doesNotMatch(doctor.stdout, /--tui|--no-tui/);
});

test('demo --id-prefix that would make invalid ids exits 2 naming the flag; a good one prefixes every id', async () => {
  const bad = await runCli(['demo', '--no-tui', '--id-prefix', 'my demo/', '--seconds', '1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^evcharge demo: --id-prefix "my demo\/": ids such as my demo\/CP001 would not be valid \(may only contain letters, digits, "_" and "-"\)/);
  const good = await runCli(['demo', '--no-tui', '--json', '--id-prefix', 'T1-', '--seconds', '2'], { timeoutMs: 30000 });
  assert.equal(good.code, 0, good.stderr);
  const ids = good.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e['kind'] === 'cp-registered').map((e) => String(e['cpId']));
  assert.equal(ids.length, 12);
  assert.ok(ids.every((id) => id.startsWith('T1-CP')), ids.join(','));
});

test('sim and demo check their numbers with the same rule as the roles: the flag, the range and what was typed', async () => {
  const cases: [string[], RegExp][] = [
    [['sim', '--embedded', '--cps', '0'], /--cps: expected a whole number from 1 to 100000, got "0"/],
    [['sim', '--embedded', '--drivers', '2.5'], /--drivers: expected a whole number from 0 to 100000, got "2\.5"/],
    [['sim', '--embedded', '--rate', 'fast'], /--rate: expected a positive number of at most 100, got "fast"/],
    [['sim', '--embedded', '--pause-seconds', '-1'], /--pause-seconds: expected a non-negative number, got "-1"/],
    [['sim', '--embedded', '--id-prefix', 'a.b'], /--id-prefix "a\.b": ids such as a\.bCP00001 would not be valid/],
    [['demo', '--seconds', 'soon'], /--seconds: expected a positive number, got "soon"/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli([...args, '--no-tui']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
  }
});
