import { randomBytes } from 'node:crypto';
import { EmbeddedBus } from '../../bus/embedded-bus.js';
import type { Bus } from '../../bus/bus.js';
import { groupFor } from '../../config/load-config.js';
import { centralTrust } from '../record-trust.js';
import { simPlayersTrust } from '../sim-trust.js';
import { simIds } from '../../sim/settings.js';
import type { CentralTrust } from '../../roles/central/trust.js';
import type { HolderTrust } from '../../roles/shared/sealed-bus.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { runSimulator, type SimReport } from '../../sim/simulator.js';
import { connectRole, leaseGroup, stateReaderGroup } from '../connect-role.js';
import { eventPrinter } from '../event-printer.js';
import { Shutdown } from '../shutdown.js';
import { idPrefixFlag, numberFlag } from '../role-args.js';
import type { CommonArgs } from '../common-args.js';

/**
 * `evcharge sim`: N charge points and M drivers in this process, against the configured Kafka
 * (or the embedded bus), each driver requesting, charging and stopping in a loop. Prints a report
 * every few seconds and a summary; exit 0 when every CP registered and nothing failed, else 1.
 */
export async function runSim(argv: CommonArgs, config: () => EvchargeConfig): Promise<number> {
  const cps = numberFlag('cps', argv['cps'], { min: 1, minIncluded: true, max: 100_000, integer: true }) ?? 100;
  const drivers = numberFlag('drivers', argv['drivers'], { min: 0, minIncluded: true, max: 100_000, integer: true }) ?? 20;
  const rate = numberFlag('rate', argv['rate'], { max: 100 }) ?? 1;
  const duration = numberFlag('duration', argv['duration']) ?? 30;
  const supplySeconds = numberFlag('supply-seconds', argv['supply-seconds']) ?? 5;
  const pause = numberFlag('pause-seconds', argv['pause-seconds'], { minIncluded: true }) ?? 0.2;
  const reportEvery = numberFlag('report-every', argv['report-every'], { minIncluded: true }) ?? 5;
  const maxRequests = numberFlag('max-requests', argv['max-requests'], { minIncluded: true, integer: true });
  const idPrefix = idPrefixFlag(argv['id-prefix'], 'SIM', (p) => [`${p}CP00001`, `${p}D00001`]);

  const print = eventPrinter(argv.json);
  const embedded = Boolean(argv['embedded']);
  // On the embedded bus nobody else can answer: central always runs here.
  const withCentral = embedded || Boolean(argv['central']);
  const shutdown = new Shutdown();
  const tag = randomBytes(4).toString('hex');
  let bus: Bus;
  let trustOf: ((kind: 'cp' | 'driver', id: string) => HolderTrust) | undefined;
  let central: CentralTrust | undefined;
  let groups: { shared: string; cp: (id: string) => string; driver: (id: string) => string; central: string; heartbeatTimeoutMs?: number };
  if (embedded) {
    bus = new EmbeddedBus();
    groups = { shared: `sim-${tag}`, cp: (id) => `sim-cp-${id}-group`, driver: (id) => `sim-driver-${id}-group`, central: 'sim-central-group' };
  } else {
    const cfg = config();
    // With security.records on, every player seals with its own credential (or --enroll's).
    const { cpIds, driverIds } = simIds(cps, drivers, idPrefix);
    const players = simPlayersTrust(cfg, { cp: cpIds, driver: driverIds }, Boolean(argv['enroll']));
    if (players) {
      trustOf = players.trustOf;
      if (players.enrolled > 0) print({ at: Date.now(), kind: 'sim-enrolled', text: `enrolled ${players.enrolled} simulated CPs and drivers in ${cfg.records.registryFile}`, data: { enrolled: players.enrolled, registry: cfg.records.registryFile } });
      if (withCentral) central = centralTrust(cfg);
    }
    bus = (await connectRole(cfg, { role: 'sim', id: tag }, print)).bus;
    groups = {
      shared: groupFor(cfg, 'cp', `sim-${tag}`),
      cp: (id) => groupFor(cfg, 'cp', id),
      driver: (id) => groupFor(cfg, 'driver', id),
      central: cfg.groups.central,
      heartbeatTimeoutMs: cfg.heartbeatTimeoutMs,
    };
  }
  const show = (r: SimReport) =>
    print({ at: Date.now(), kind: r.kind, text: describe(r), data: r as unknown as Record<string, unknown> });
  print({
    at: Date.now(),
    kind: 'sim-start',
    text: `simulating ${cps} charge points and ${drivers} drivers at ${rate} Hz for ${duration} s on ${embedded ? 'the embedded bus' : 'Kafka'}${withCentral ? ', with a central in this process' : ''}`,
    data: { cps, drivers, rate, duration, embedded, central: withCentral, pid: process.pid },
  });
  let summary: SimReport;
  try {
    ({ summary } = await runSimulator({
      bus,
      cps,
      drivers,
      rateHz: rate,
      durationMs: duration * 1000,
      groups,
      central: withCentral
        ? {
            main: groups.central,
            state: stateReaderGroup(groups.central),
            lease: leaseGroup(groups.central),
            ...(groups.heartbeatTimeoutMs !== undefined && { heartbeatTimeoutMs: groups.heartbeatTimeoutMs }),
            ...(central && { trust: central }),
          }
        : undefined,
      ...(trustOf && { trustOf }),
      idPrefix,
      supplyMs: [supplySeconds * 500, supplySeconds * 1500],
      pauseMs: pause * 1000,
      ...(maxRequests !== undefined && { maxRequests }),
      reportEveryMs: reportEvery * 1000,
      onReport: show,
      signal: shutdown.signal,
    }));
  } finally {
    await bus.close();
    shutdown.dispose();
  }
  show(summary);
  const e = summary.errors;
  const clean =
    summary.registered === cps &&
    summary.suppliesFailed === 0 &&
    summary.timeouts === 0 &&
    e.malformed === 0 &&
    e.handlerErrors === 0 &&
    e.refusedRegistrations === 0;
  return clean ? 0 : 1;
}

function ms(s: { p50: number | null; p99: number | null; count: number }): string {
  return s.count === 0 ? '-' : `p50 ${s.p50} ms, p99 ${s.p99} ms (${s.count})`;
}

function describe(r: SimReport): string {
  const head = r.kind === 'sim-summary' ? 'summary' : `${(r.elapsedMs / 1000).toFixed(0)} s`;
  const e = r.errors;
  const errors = e.malformed + e.publishErrors + e.handlerErrors + e.refusedRegistrations + r.timeouts + r.suppliesFailed;
  return (
    `${head}: ${r.registered}/${r.cps} CPs registered, ${r.supplying} supplying; ` +
    `requests ${r.requests} (granted ${r.granted}, denied ${r.denied}, timeouts ${r.timeouts}); ` +
    `supplies completed ${r.suppliesCompleted}, interrupted ${r.suppliesInterrupted}, failed ${r.suppliesFailed}; ` +
    `messages sent ${r.messagesOut} (${r.outRate}/s), received ${r.messagesIn} (${r.inRate}/s); errors ${errors}; ` +
    `auth ${ms(r.authRoundTripMs)}; supply start ${ms(r.supplyStartedMs)}; first telemetry ${ms(r.firstTelemetryMs)}` +
    (e.failures.length > 0 && r.kind === 'sim-summary' ? `\n  ${e.failures.join('\n  ')}` : '')
  );
}
