import { EmbeddedBus } from '../../bus/embedded-bus.js';
import type { Bus } from '../../bus/bus.js';
import { startDemo } from '../../roles/demo/demo.js';
import type { RoleEvent } from '../../roles/shared/events.js';
import { connectRole } from '../connect-role.js';
import { eventPrinter } from '../event-printer.js';
import { Shutdown } from '../shutdown.js';
import type { CommonArgs } from '../run-command.js';
import type { EvchargeConfig } from '../../config/schema.js';

/** The demo's bus: in-process by default, the configured Kafka with `--kafka`. */
export async function demoBus(argv: CommonArgs, config: () => EvchargeConfig, print: (e: RoleEvent) => void): Promise<Bus> {
  if (!argv['kafka']) return new EmbeddedBus();
  return (await connectRole(config(), { role: 'demo' }, print)).bus;
}

/** `evcharge demo --no-tui`: the whole network in one process; central's events as lines. */
export async function runDemoHeadless(argv: CommonArgs, config: () => EvchargeConfig): Promise<number> {
  const print = eventPrinter(argv.json);
  const shutdown = new Shutdown();
  const bus = await demoBus(argv, config, print);
  const demo = await startDemo({ bus, onEvent: print, ...(argv['kafka'] ? { groupPrefix: `demo-${process.pid}` } : {}) });
  const seconds = argv['seconds'];
  const timer = typeof seconds === 'number' ? setTimeout(() => shutdown.abort('time'), seconds * 1000) : null;
  await shutdown.requested;
  if (timer) clearTimeout(timer);
  await demo.close();
  await bus.close();
  shutdown.dispose();
  return 0;
}
