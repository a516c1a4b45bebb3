import { readFileSync } from 'node:fs';
import { auditPrincipal, holderTrust } from '../record-trust.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { groupFor } from '../../config/load-config.js';
import { DriverRun, parseServicesFile, SessionEnd, startDriver, type DriverMode } from '../../roles/driver/index.js';
import type { RoleEvent } from '../../roles/shared/events.js';
import { connectRole, stateReaderGroup } from '../connect-role.js';
import { eventPrinter } from '../event-printer.js';
import { optionalPositive, requireId } from '../role-args.js';
import { Shutdown } from '../shutdown.js';
import { endHeadless } from './driver-end.js';
import { runDriverSession } from './driver-session.js';
import { UsageError } from '../usage-error.js';
import type { CommonArgs } from '../common-args.js';

/** Validates the driver's flags and reads `--file` before anything touches Kafka. */
export function driverMode(argv: CommonArgs): { id: string; mode: DriverMode } {
  const id = requireId('driver', argv['id']);
  const kwh = optionalPositive('kwh', argv['kwh']);
  const seconds = optionalPositive('seconds', argv['seconds']);
  const pause = optionalPositive('pause', argv['pause'], { allowZero: true }) ?? 4;
  const stops = { ...(kwh !== undefined && { stopAtKwh: kwh }), ...(seconds !== undefined && { stopAfterMs: seconds * 1000 }) };
  if (argv['cp'] !== undefined) return { id, mode: { kind: 'single', cpId: requireId('cp', argv['cp']), ...stops } };
  if (argv['file'] !== undefined) {
    const path = String(argv['file']);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new UsageError(`--file ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const { cpIds, errors } = parseServicesFile(text);
    if (errors.length) throw new UsageError(`--file ${path}: ${errors[0]}`);
    if (cpIds.length === 0) throw new UsageError(`--file ${path}: no CP ids in it`);
    return { id, mode: { kind: 'file', cpIds, pauseMs: pause * 1000, ...stops } };
  }
  if (kwh !== undefined || seconds !== undefined) throw new UsageError('--kwh and --seconds need --cp or --file');
  return { id, mode: { kind: 'interactive' } };
}

/** `print` gets the connection's events; `onEvent`, when given, the driver's own (headless only). */
export async function connectDriver(config: EvchargeConfig, id: string, print: (e: RoleEvent) => void, onEvent?: (e: RoleEvent) => void) {
  const trust = holderTrust(config, 'driver', id);
  const conn = await connectRole(config, { role: 'driver', id }, print);
  const main = groupFor(config, 'driver', id);
  const driver = await startDriver({ bus: conn.bus, id, groups: { main, state: stateReaderGroup(main) }, answerTimeoutMs: config.driverAnswerTimeoutMs, ...(onEvent && { onEvent }), principal: auditPrincipal(config, 'driver', id), ...(trust && { trust }) });
  return { bus: conn.bus, driver };
}

/** `evcharge driver --no-tui`: `--cp`, `--file`, or commands from stdin. Exit 0 when every service completed. */
export async function runDriverHeadless(config: EvchargeConfig, argv: CommonArgs): Promise<number> {
  const { id, mode } = driverMode(argv);
  const print = eventPrinter(argv.json);
  const shutdown = new Shutdown();
  const { bus, driver } = await connectDriver(config, id, print, print);
  const printRun = argv.json ? print : withoutRepeats(print);
  let code: number;
  if (mode.kind === 'interactive') code = await runDriverSession(driver, shutdown, print);
  else {
    const run = DriverRun.start(driver, mode, { onEvent: printRun });
    // A signal ends the run as q does in the TUI: the runner stops the supply and says so itself.
    const end = new SessionEnd(driver, { run });
    const onSignal = () => end.begin();
    if (shutdown.signal.aborted) onSignal();
    else shutdown.signal.addEventListener('abort', onSignal, { once: true });
    code = (await run.done).exitCode;
    if (end.store.getSnapshot().phase !== 'idle') await endHeadless(end, print, { announce: false });
  }
  await driver.close();
  await bus.close();
  shutdown.dispose();
  return code;
}

/**
 * Readable lines only: the runner's "requesting CP001" and "CP001 denied: …" say again what the
 * driver's own "requesting a charge at CP001" and "denied at CP001: …" just said. JSON keeps both.
 */
function withoutRepeats(print: (e: RoleEvent) => void): (e: RoleEvent) => void {
  return (e) => {
    if (e.kind === 'service-start') return;
    if (e.kind === 'service-result' && e.data['status'] === 'denied') return;
    print(e);
  };
}
