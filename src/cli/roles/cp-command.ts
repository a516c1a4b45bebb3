import { auditPrincipal, holderTrust } from '../record-trust.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { groupFor } from '../../config/load-config.js';
import { startChargePoint, type ChargePoint } from '../../roles/cp/index.js';
import type { IntentResult } from '../../roles/shared/role.js';
import { connectRole } from '../connect-role.js';
import { eventPrinter } from '../event-printer.js';
import { optionalPositive, requireId } from '../role-args.js';
import { Shutdown } from '../shutdown.js';
import { readStdinLines } from '../stdin-lines.js';
import type { CommonArgs } from '../common-args.js';

const LOCAL_COMMANDS: Record<string, (cp: ChargePoint) => Promise<IntentResult>> = {
  unplug: (cp) => cp.unplug(),
  fault: (cp) => cp.fault(),
  recover: (cp) => cp.recover(),
};

export function chargePointOptions(argv: CommonArgs) {
  return {
    id: requireId('cp', argv['id']),
    location: argv['location'] === undefined ? undefined : String(argv['location']),
    pricePerKwh: optionalPositive('price', argv['price']),
    maxKw: optionalPositive('max-kw', argv['maxKw']),
    speed: optionalPositive('speed', argv['speed']),
  };
}

/** `evcharge cp --id X --no-tui`: events as lines, `unplug` / `fault` / `recover` from stdin. */
export async function runChargePointHeadless(config: EvchargeConfig, argv: CommonArgs): Promise<number> {
  const options = chargePointOptions(argv);
  const print = eventPrinter(argv.json);
  const shutdown = new Shutdown();
  const trust = holderTrust(config, 'cp', options.id);
  const { bus } = await connectRole(config, { role: 'cp', id: options.id }, print);
  const cp = await startChargePoint({ ...stripUndefined(options), bus, groups: { main: groupFor(config, 'cp', options.id) }, onEvent: print, principal: auditPrincipal(config, 'cp', options.id), ...(trust && { trust }) });
  const stopReading = readStdinLines((line) => {
    const command = LOCAL_COMMANDS[line.toLowerCase()];
    if (!command) {
      print({ at: Date.now(), kind: 'command-error', text: `unknown command "${line}" (unplug, fault, recover)`, data: { line } });
      return;
    }
    return command(cp).then((r) => print({ at: Date.now(), kind: r.ok ? 'command' : 'command-error', text: r.text, data: { line, ok: r.ok } }));
  });
  // A refused registration (another live process has this id) ends this one.
  const refused = cp.registered.then((r) => (r === 'refused' ? 1 : null));
  const code = await Promise.race([shutdown.requested.then(() => 0), refused.then((c) => c ?? shutdown.requested.then(() => 0))]);
  stopReading();
  await cp.close();
  await bus.close();
  shutdown.dispose();
  return code;
}

export function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
