#!/usr/bin/env node
// The evcharge command tree. Each handler lives in src/cli/; this file only declares commands
// and flags.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT_USAGE } from '../src/cli/usage-error.js';
import { packageVersion } from '../src/cli/version.js';
import { runCommand } from '../src/cli/run-command.js';
import { CP_DEFAULTS } from '../src/roles/cp/types.js';
import { DEMO_ID_PREFIX } from '../src/roles/demo/demo.js';

const common = (y: Argv) =>
  y
    .option('config', { type: 'string', describe: 'Kafka settings (YAML); unset: $EVCHARGE_CONFIG, ./kafka_config.yaml, $XDG_CONFIG_HOME/evcharge/config.yaml, then built-in defaults (127.0.0.1:9092)', requiresArg: true })
    .option('tui', { type: 'boolean', default: true, describe: 'full-screen terminal UI; --no-tui prints one line per event' })
    .option('json', { type: 'boolean', default: false, describe: 'with --no-tui: one JSON object per line' });

await yargs(hideBin(process.argv))
  .scriptName('evcharge')
  .usage('$0 <command> [options]\n\nA distributed electric-vehicle charging network over Apache Kafka.')
  .command(
    'central',
    'run the control centre: registers CPs, authorizes drivers, watches health',
    (y) => common(y),
    (argv) => runCommand('central', argv),
  )
  .command(
    'cp',
    "run one charge point's engine and meter",
    (y) =>
      common(y)
        .option('id', { type: 'string', demandOption: true, describe: 'charge point id, e.g. CP001', requiresArg: true })
        .option('location', { type: 'string', describe: 'where it stands', defaultDescription: CP_DEFAULTS.location, requiresArg: true })
        .option('price', { type: 'number', describe: 'price in €/kWh', defaultDescription: String(CP_DEFAULTS.pricePerKwh), requiresArg: true })
        .option('max-kw', { type: 'number', describe: 'maximum power in kW', defaultDescription: String(CP_DEFAULTS.maxKw), requiresArg: true })
        .option('speed', { type: 'number', default: 1, describe: 'energy accrues N times faster (demos, tests)', requiresArg: true }),
    (argv) => runCommand('cp', argv),
  )
  .command(
    'driver',
    'run a driver session: list CPs, request a charge, watch it, get the ticket',
    (y) =>
      common(y)
        .option('id', { type: 'string', demandOption: true, describe: 'driver id, e.g. DRIVER001', requiresArg: true })
        .option('cp', { type: 'string', describe: 'request one charge at this CP', requiresArg: true })
        .option('file', { type: 'string', describe: 'file of CP ids, one per line, requested in turn', requiresArg: true })
        .option('kwh', { type: 'number', describe: 'stop the supply once this many kWh are delivered', requiresArg: true })
        .option('seconds', { type: 'number', describe: 'stop the supply after this many seconds', requiresArg: true })
        .option('pause', { type: 'number', default: 4, describe: 'seconds to wait between services in --file mode', requiresArg: true })
        .conflicts('cp', 'file'),
    (argv) => runCommand('driver', argv),
  )
  .command(
    'demo',
    'the whole network in one process, no Kafka needed',
    (y) =>
      common(y)
        .option('kafka', { type: 'boolean', default: false, describe: 'run the demo against the configured Kafka (it joins the network there)' })
        .option('id-prefix', { type: 'string', describe: `put before the demo's CP and driver ids (default with --kafka: ${DEMO_ID_PREFIX})`, requiresArg: true })
        .option('seconds', { type: 'number', describe: 'stop after this many seconds', requiresArg: true }),
    (argv) => runCommand('demo', argv),
  )
  .command(
    'sim',
    'load simulator: N charge points and M drivers in one process',
    (y) =>
      common(y)
        .option('cps', { type: 'number', default: 100, describe: 'charge points to simulate', requiresArg: true })
        .option('drivers', { type: 'number', default: 20, describe: 'drivers that request, charge and stop in a loop', requiresArg: true })
        .option('rate', { type: 'number', default: 1, describe: 'telemetry and heartbeats per CP per second (Hz)', requiresArg: true })
        .option('duration', { type: 'number', default: 30, describe: 'seconds to run', requiresArg: true })
        .option('embedded', { type: 'boolean', default: false, describe: 'run on the in-process bus instead of Kafka' })
        .option('central', { type: 'boolean', default: false, describe: 'also run a central in this process' })
        .option('supply-seconds', { type: 'number', default: 5, describe: 'mean length of a supply (each is 0.5-1.5 times this)', requiresArg: true })
        .option('pause-seconds', { type: 'number', default: 0.2, describe: "a driver's pause between services", requiresArg: true })
        .option('max-requests', { type: 'number', describe: 'stop starting services after this many requests in all', requiresArg: true })
        .option('report-every', { type: 'number', default: 5, describe: 'seconds between progress reports (0: summary only)', requiresArg: true })
        .option('id-prefix', { type: 'string', default: 'SIM', describe: 'ids are <prefix>CP00001, <prefix>D00001', requiresArg: true })
        .option('enroll', { type: 'boolean', default: false, describe: "with security.records on, on central's machine: add the simulated CPs and drivers missing from the registry" }),
    (argv) => runCommand('sim', argv),
  )
  .command(
    'doctor',
    'check a deployment: brokers, topics, replication, consumer groups and lag',
    (y) =>
      common(y)
        .option('tui', { type: 'boolean', default: false, hidden: true })
        .option('json', { type: 'boolean', default: false, describe: 'the report as one JSON object' }),
    (argv) => runCommand('doctor', argv),
  )
  .command(
    'acl',
    'print the Kafka ACLs a config needs (each role instance its own principal); --apply creates them',
    (y) =>
      common(y)
        .option('tui', { type: 'boolean', default: false, hidden: true })
        .option('cp', { type: 'string', array: true, describe: 'CP ids to grant (repeat, or comma-separated)', requiresArg: true })
        .option('driver', { type: 'string', array: true, describe: 'driver ids to grant (repeat, or comma-separated)', requiresArg: true })
        .option('ocpp', { type: 'boolean', default: false, describe: "grant the OCPP gateways' principal (kafka.security.principals.ocpp) too" })
        .option('apply', { type: 'boolean', default: false, describe: "create the missing topics and ACLs, as the config's admin" })
        .option('json', { type: 'boolean', default: false, describe: 'the ACLs and commands as one JSON object' }),
    (argv) => runCommand('acl', argv),
  )
  .command(
    'registry <action> [kind] [id]',
    "central's identities: add a CP's or driver's credential, list them, revoke one (record signing, security.records)",
    (y) =>
      common(y)
        .positional('action', {
          choices: ['add', 'list', 'revoke', 'ocpp-key', 'ocpp-keys'] as const,
          describe: "add: a new credential file and its registry entry; list; revoke: kept out for good; ocpp-key cp <id>: an OCPP station's AuthorizationKey (security profiles 1, 2); ocpp-keys: the gateway's file of them (--out, or ocpp.authorization_keys_file)",
        })
        .positional('kind', { type: 'string', choices: ['cp', 'driver'] as const, describe: 'cp or driver' })
        .positional('id', { type: 'string', describe: 'the CP or driver id, e.g. CP001' })
        .option('tui', { type: 'boolean', default: false, hidden: true })
        .option('out', { type: 'string', describe: "add: where to write the credential (default: the config's security.credential_file); ocpp-keys: where to write the file (default: ocpp.authorization_keys_file)", requiresArg: true })
        .option('replace', { type: 'boolean', default: false, describe: 'add: a new credential for a revoked identity, and overwrite the credential file' })
        .option('json', { type: 'boolean', default: false, describe: 'one JSON object per result' }),
    (argv) => runCommand('registry', argv),
  )
  .command(
    'audit',
    "read the audit trail: operators' actions, registry changes, refused records (as the admin)",
    (y) =>
      common(y)
        .option('tui', { type: 'boolean', default: false, hidden: true })
        .option('follow', { type: 'boolean', default: false, describe: 'keep printing new entries until interrupted' })
        .option('json', { type: 'boolean', default: false, describe: 'one JSON object per entry' }),
    (argv) => runCommand('audit', argv),
  )
  .command(
    'ocpp',
    'run the OCPP 1.6J gateway: each charging station connected to it is a charge point on the network',
    (y) =>
      common(y)
        .option('tui', { type: 'boolean', default: false, hidden: true })
        .option('listen', { type: 'string', describe: 'HOST:PORT stations connect to (ws://HOST:PORT/<path>/<station id>)', defaultDescription: "ocpp.listen, else 0.0.0.0:8887", requiresArg: true })
        .option('path', { type: 'string', describe: 'URL path before the station id', defaultDescription: 'ocpp.path, else /ocpp', requiresArg: true }),
    (argv) => runCommand('ocpp', argv),
  )
  .demandCommand(1, 'name a command')
  .strict()
  .version(packageVersion())
  .alias('h', 'help')
  .alias('v', 'version')
  .wrap(Math.min(100, process.stdout.columns || 100))
  .fail((msg, err, y) => {
    if (err && !msg) throw err;
    y.showHelp('error');
    console.error(`\nevcharge: ${msg ?? err?.message}`);
    process.exit(EXIT_USAGE);
  })
  .parseAsync();
