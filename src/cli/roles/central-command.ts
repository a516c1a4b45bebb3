import { auditPrincipal, centralTrust } from '../record-trust.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { OperatorSession, startCentral } from '../../roles/central/index.js';
import { connectRole, centralGroups } from '../connect-role.js';
import { eventPrinter } from '../event-printer.js';
import { Shutdown } from '../shutdown.js';
import { readStdinLines } from '../stdin-lines.js';
import type { CommonArgs } from '../common-args.js';

/** `evcharge central --no-tui`: events as lines, operator commands from stdin, until a signal. */
export async function runCentralHeadless(config: EvchargeConfig, argv: CommonArgs): Promise<number> {
  const print = eventPrinter(argv.json);
  const shutdown = new Shutdown();
  const trust = centralTrust(config);
  const { bus } = await connectRole(config, { role: 'central' }, print);
  const central = await startCentral({
    bus,
    groups: centralGroups(config),
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    healthPartitions: config.topics.health.partitions,
    takeoverTimeoutMs: config.takeoverTimeoutMs,
    configSource: config.source,
    ...(trust && { trust }),
    principal: auditPrincipal(config, 'central'),
    onEvent: print,
  });
  const operator = new OperatorSession(central);
  const stopReading = readStdinLines(async (line) => {
    const result = await operator.run(line);
    if (result) print({ at: Date.now(), kind: result.ok ? 'command' : 'command-error', text: result.text, data: { line, ok: result.ok, text: result.text } });
  });
  await shutdown.requested;
  stopReading();
  await central.close();
  await bus.close();
  shutdown.dispose();
  return 0;
}
