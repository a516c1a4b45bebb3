// The full-screen paths: connect (plain lines on stderr until the screen opens), start the role,
// hand it to its screen, and close everything once the screen has restored the terminal.
import { groupFor } from '../config/load-config.js';
import { auditPrincipal, centralTrust, holderTrust } from './record-trust.js';
import type { EvchargeConfig } from '../config/schema.js';
import { startCentral } from '../roles/central/index.js';
import { startChargePoint } from '../roles/cp/index.js';
import { DriverRun, sessionEndLines } from '../roles/driver/index.js';
import { runCentralScreen } from '../screens/central/run-central-screen.js';
import { runChargePointScreen } from '../screens/cp/run-charge-point-screen.js';
import { runDriverScreen } from '../screens/driver/run-driver-screen.js';
import { auditReaderGroup, connectRole, centralGroups } from './connect-role.js';
import { eventPrinter } from './event-printer.js';
import { chargePointOptions, stripUndefined } from './roles/cp-command.js';
import { startDemoOn } from './roles/demo-command.js';
import { connectDriver, driverMode } from './roles/driver-command.js';
import type { CommonArgs } from './common-args.js';
import { noteInterrupt } from './interrupted.js';

const beforeScreen = eventPrinter(false, process.stderr);

export async function runCentralTui(config: EvchargeConfig, _argv: CommonArgs): Promise<number> {
  const trust = centralTrust(config);
  const { bus } = await connectRole(config, { role: 'central' }, beforeScreen);
  process.stderr.write('rebuilding central state from Kafka...\n');
  const central = await startCentral({
    bus,
    groups: { ...centralGroups(config), audit: auditReaderGroup(config) },
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    healthPartitions: config.topics.health.partitions,
    takeoverTimeoutMs: config.takeoverTimeoutMs,
    configSource: config.source,
    ...(trust && { trust }),
    principal: auditPrincipal(config, 'central'),
  });
  if ((await runCentralScreen(central, { brokers: config.brokers, title: 'evcharge' })).interrupted) noteInterrupt();
  await central.close();
  await bus.close();
  return 0;
}

export async function runChargePointTui(config: EvchargeConfig, argv: CommonArgs): Promise<number> {
  const options = chargePointOptions(argv);
  const trust = holderTrust(config, 'cp', options.id);
  const { bus } = await connectRole(config, { role: 'cp', id: options.id }, beforeScreen);
  const cp = await startChargePoint({ ...stripUndefined(options), bus, groups: { main: groupFor(config, 'cp', options.id) }, principal: auditPrincipal(config, 'cp', options.id), ...(trust && { trust }) });
  if ((await runChargePointScreen(cp, { brokers: config.brokers, title: 'evcharge' })).interrupted) noteInterrupt();
  await cp.close();
  await bus.close();
  return (await Promise.race([cp.registered, Promise.resolve('registering')])) === 'refused' ? 1 : 0;
}

export async function runDriverTui(config: EvchargeConfig, argv: CommonArgs): Promise<number> {
  const { id, mode } = driverMode(argv);
  const { bus, driver } = await connectDriver(config, id, beforeScreen);
  const run = mode.kind === 'interactive' ? undefined : DriverRun.start(driver, mode);
  const result = await runDriverScreen(driver, { brokers: config.brokers, title: 'evcharge', ...(run && { run }) });
  if (result.interrupted) noteInterrupt();
  // The screen is gone with the alternate buffer: what arrived while quitting goes where it stays.
  for (const line of sessionEndLines(result.end)) process.stdout.write(`${line}\n`);
  // Closing settles a run still waiting for a ticket the user chose not to wait for (q twice).
  await driver.close();
  const outcome = run ? await run.done : null;
  await bus.close();
  // The interactive menu is ended by q, which the README's table counts as done (0).
  return outcome ? outcome.exitCode : 0;
}

export async function runDemoTui(argv: CommonArgs, config: () => EvchargeConfig): Promise<number> {
  const { demo, close, leftovers } = await startDemoOn(argv, config, beforeScreen);
  const brokers = argv['kafka'] ? config().brokers : ['embedded'];
  if ((await runCentralScreen(demo.central, { brokers, title: 'evcharge demo' })).interrupted) noteInterrupt();
  await close();
  if (leftovers) process.stdout.write(`${leftovers}\n`);
  return 0;
}
