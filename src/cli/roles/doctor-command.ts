import type { EvchargeConfig } from '../../config/schema.js';
import type { CommonArgs } from '../run-command.js';

/** `evcharge doctor`: placeholder until it lands (issue 5). */
export async function runDoctor(_config: EvchargeConfig, _argv: CommonArgs): Promise<number> {
  process.stderr.write('evcharge doctor: not yet implemented\n');
  return 1;
}
