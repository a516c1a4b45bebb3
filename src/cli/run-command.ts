import { ConfigError, loadConfig } from '../config/load-config.js';
import type { EvchargeConfig } from '../config/schema.js';
import { BrokerUnreachableError } from '../kafka/broker-check.js';
import { EXIT_USAGE, UsageError } from './usage-error.js';

export type RoleName = 'central' | 'cp' | 'driver' | 'demo';

export interface CommonArgs {
  config: string;
  tui: boolean;
  json: boolean;
  [flag: string]: unknown;
}

/** Loads the config, then runs the role; turns known errors into one line and exit code 2. */
export async function runCommand(role: RoleName, argv: CommonArgs): Promise<void> {
  try {
    const config = loadConfig(argv.config, { brokersOverride: process.env.EVCHARGE_BROKERS });
    process.exitCode = await dispatch(role, argv, config);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError || e instanceof BrokerUnreachableError) {
      process.stderr.write(`evcharge ${role}: ${e.message}\n`);
      process.exit(EXIT_USAGE);
    }
    throw e;
  }
}

async function dispatch(role: RoleName, _argv: CommonArgs, _config: EvchargeConfig): Promise<number> {
  process.stderr.write(`evcharge ${role}: not yet implemented\n`);
  return 1;
}
