import { ConfigError } from '../config/load-config.js';
import { findConfig, loadFoundConfig } from '../config/find-config.js';
import type { EvchargeConfig } from '../config/schema.js';
import { BrokerUnreachableError } from '../kafka/broker-check.js';
import { AccessRefusedError } from '../bus/bus.js';
import type { CommonArgs, RoleName } from './common-args.js';
import { EXIT_USAGE, UsageError } from './usage-error.js';
import { exitCodeAfter } from './interrupted.js';
import { endQuietlyWhenOutputCloses } from './closed-pipe.js';
import { guardUnsettledExit } from './unsettled-guard.js';
import { runCentralHeadless } from './roles/central-command.js';
import { runChargePointHeadless } from './roles/cp-command.js';
import { runDriverHeadless } from './roles/driver-command.js';
import { runDemoHeadless } from './roles/demo-command.js';
import { runSim } from './roles/sim-command.js';
import { runDoctor } from './roles/doctor-command.js';
import { runAcl } from './roles/acl-command.js';
import { runRegistry } from './roles/registry-command.js';
import { runAudit } from './roles/audit-command.js';
import { runOcppGateway } from './roles/ocpp-command.js';
import { refusalAudited } from './refusal-audit.js';


/** Loads the config, then runs the role; turns known errors into one line and exit code 2. */
export async function runCommand(role: RoleName, argv: CommonArgs): Promise<void> {
  endQuietlyWhenOutputCloses();
  guardUnsettledExit(role);
  try {
    if (Array.isArray(argv.config)) throw new UsageError(`--config is given ${argv.config.length} times: give it once`);
    // The demo needs no config unless it runs over Kafka: load it only when asked for.
    let loaded: EvchargeConfig | undefined;
    const config = () => (loaded ??= loadFoundConfig(findConfig({ flag: argv.config, env: process.env, cwd: process.cwd() }), { brokersOverride: process.env.EVCHARGE_BROKERS }));
    if (role !== 'demo' && !(role === 'sim' && argv['embedded'])) config();
    const code = await dispatch(role, argv, config);
    // Pipes and files are written synchronously on Linux, so nothing printed is lost; exiting here
    // does not wait for stray handles (stdin, kafkajs timers) to let go.
    process.exit(exitCodeAfter(code));
  } catch (e) {
    // A broker refusal's audit entry may still be on its way (bounded): it goes out first.
    if (e instanceof AccessRefusedError) await refusalAudited();
    if (e instanceof ConfigError || e instanceof UsageError || e instanceof BrokerUnreachableError || e instanceof AccessRefusedError) {
      process.stderr.write(`evcharge ${role}: ${e.message}\n`);
      process.exit(EXIT_USAGE);
    }
    // A bug or a failure nobody foresaw: one line, not a stack trace (unless asked for).
    const error = e instanceof Error ? e : new Error(String(e));
    const detail = process.env['EVCHARGE_DEBUG'] ? `\n${error.stack ?? ''}` : ' (EVCHARGE_DEBUG=1 prints where it came from)';
    process.stderr.write(`evcharge ${role}: unexpected error: ${error.message}${detail}\n`);
    process.exit(1);
  }
}

async function dispatch(role: RoleName, argv: CommonArgs, config: () => EvchargeConfig): Promise<number> {
  // Without a terminal there is nothing to draw on: behave as --no-tui. sim and doctor only print.
  const tui = argv.tui && process.stdout.isTTY === true && process.stdin.isTTY === true && role !== 'sim' && role !== 'doctor' && role !== 'acl' && role !== 'registry' && role !== 'audit' && role !== 'ocpp';
  if (tui) {
    // Ink draws only the last frame when CI is set, and reads CI once, when it is loaded: clear
    // it first, then load the screens (headless runs never load React or Ink at all).
    delete process.env['CI'];
    // React's development build is several times slower per frame; users get the production one.
    process.env['NODE_ENV'] ??= 'production';
    const { runCentralTui, runChargePointTui, runDemoTui, runDriverTui } = await import('./tui-commands.js');
    switch (role) {
      case 'central':
        return runCentralTui(config(), argv);
      case 'cp':
        return runChargePointTui(config(), argv);
      case 'driver':
        return runDriverTui(config(), argv);
      case 'demo':
        return runDemoTui(argv, config);
    }
  }
  switch (role) {
    case 'central':
      return runCentralHeadless(config(), argv);
    case 'cp':
      return runChargePointHeadless(config(), argv);
    case 'driver':
      return runDriverHeadless(config(), argv);
    case 'demo':
      return runDemoHeadless(argv, config);
    case 'sim':
      return runSim(argv, config);
    case 'doctor':
      return runDoctor(config(), argv);
    case 'acl':
      return runAcl(config(), argv);
    case 'registry':
      return runRegistry(config(), argv);
    case 'audit':
      return runAudit(config(), argv);
    case 'ocpp':
      return runOcppGateway(config(), argv);
  }
}
