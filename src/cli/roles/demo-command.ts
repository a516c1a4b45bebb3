import { EmbeddedBus } from '../../bus/embedded-bus.js';
import type { Bus } from '../../bus/bus.js';
import type { CentralEventKind } from '../../roles/central/index.js';
import { DEMO_ID_PREFIX, startDemo, type Demo } from '../../roles/demo/demo.js';
import type { RoleEvent } from '../../roles/shared/events.js';
import { connectRole } from '../connect-role.js';
import { eventPrinter } from '../event-printer.js';
import { Shutdown } from '../shutdown.js';
import type { CommonArgs } from '../common-args.js';
import { refuseUnsealedPlayers } from '../record-trust.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { UsageError } from '../usage-error.js';
import { idPrefixFlag, numberFlag } from '../role-args.js';
import { demoCollision, kafkaDemoOptions } from './demo-network.js';

/**
 * The demo's buses: one in-process bus by default. With `--kafka`, two connections to the
 * configured cluster: central's (which campaigns, and publishes only while its central is
 * active) and one its CPs and drivers share.
 */
async function demoBuses(argv: CommonArgs, config: () => EvchargeConfig, print: (e: RoleEvent) => void): Promise<{ bus: Bus; centralBus: Bus }> {
  if (!argv['kafka']) {
    const bus = new EmbeddedBus();
    return { bus, centralBus: bus };
  }
  refuseUnsealedPlayers(config(), 'demo --kafka');
  const centralBus = (await connectRole(config(), { role: 'demo' }, print)).bus;
  const bus = (await connectRole(config(), { role: 'demo' }, () => {})).bus;
  return { bus, centralBus };
}

export interface RunningDemo {
  demo: Demo;
  close(): Promise<void>;
  /** Over Kafka, what the demo leaves behind, to say when it ends; null on the embedded bus. */
  leftovers: string | null;
}

/**
 * Starts the demo on its bus. Over Kafka it waits until its CPs are registered and refuses to go
 * on (exit 2) when another process holds their ids, rather than fight it for them.
 */
export async function startDemoOn(argv: CommonArgs, config: () => EvchargeConfig, print: (e: RoleEvent) => void, onEvent?: (e: RoleEvent<CentralEventKind>) => void): Promise<RunningDemo> {
  const kafka = argv['kafka'] === true;
  // Alone on the embedded bus the demo needs no prefix; on a shared cluster it does.
  const idPrefix = idPrefixFlag(argv['id-prefix'], kafka ? DEMO_ID_PREFIX : '', (p) => [`${p}CP001`, `${p}DRIVER001`]);
  const options = kafka ? kafkaDemoOptions(config(), idPrefix) : { idPrefix };
  const { bus, centralBus } = await demoBuses(argv, config, print);
  const demo = await startDemo({ bus, centralBus, ...options, ...(onEvent && { onEvent }) });
  const close = async () => {
    await demo.close();
    await bus.close();
    if (centralBus !== bus) await centralBus.close();
  };
  const collision = kafka ? await demoCollision(demo) : null;
  if (collision) {
    await close();
    throw new UsageError(collision);
  }
  const leftovers = kafka
    ? `the demo's ${demo.cps.length} charge points stay on the network as DISCONNECTED; to remove them, type "forget ${idPrefix}*" at central (or press f on one in its monitor)`
    : null;
  return { demo, close, leftovers };
}

/** `evcharge demo --no-tui`: the whole network in one process; central's events as lines. */
export async function runDemoHeadless(argv: CommonArgs, config: () => EvchargeConfig): Promise<number> {
  const seconds = numberFlag('seconds', argv['seconds']);
  const print = eventPrinter(argv.json);
  const shutdown = new Shutdown();
  const { demo, close, leftovers } = await startDemoOn(argv, config, print, print);
  const timer = seconds !== undefined ? setTimeout(() => shutdown.abort('time'), seconds * 1000) : null;
  await shutdown.requested;
  if (timer) clearTimeout(timer);
  await close();
  if (leftovers) print({ at: Date.now(), kind: 'demo-ended', text: leftovers, data: { cps: demo.cps.length, text: leftovers } });
  shutdown.dispose();
  return 0;
}
