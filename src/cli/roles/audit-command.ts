import { randomBytes } from 'node:crypto';
import type { EvchargeConfig } from '../../config/schema.js';
import { readAuditRecord, type AuditRecord } from '../../protocol/audit-record.js';
import type { CommonArgs } from '../common-args.js';
import { connectRole } from '../connect-role.js';
import { eventPrinter } from '../event-printer.js';
import { Shutdown } from '../shutdown.js';
import { topicEnds } from '../../kafka/topic-ends.js';

/**
 * Without --follow the trail is read to where it ended when the command started: a partition is
 * done once a record at or past its end offset arrived, or once it stayed silent this long (its
 * last offsets may be transaction markers, which no reader sees).
 */
const QUIET_END_MS = 1500;

type Entry = AuditRecord;

/** One entry as a line: `2026-12-03 13:40:01  central  operator-stop  CP001  ok  CP001 stopped`. */
export function auditLine(e: Entry): string {
  const d = new Date(e.ts);
  const pad = (n: number) => String(n).padStart(2, '0');
  const when = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const p = e.payload;
  return `${when}  ${p.by.padEnd(14)} ${(p.principal ?? '-').padEnd(12)} ${p.action.padEnd(19)} ${p.target.padEnd(18)} ${p.result.padEnd(7)} ${p.detail}`;
}

/** Kept here too for the callers that know it from this module. */
export { readAuditRecord };

/**
 * `evcharge audit [--follow] [--json]`: the audit trail from its start, one line per entry (who,
 * principal, what, on what, the result); without --follow it ends once the trail is read through.
 * It reads as the admin, in a group of its own that commits nothing.
 */
export async function runAudit(config: EvchargeConfig, argv: CommonArgs): Promise<number> {
  const follow = argv['follow'] === true;
  const shutdown = new Shutdown();
  const notes = eventPrinter(argv.json, process.stderr);
  const { bus } = await connectRole(config, { role: 'audit' }, (e) => (e.kind === 'kafka-connected' ? undefined : notes(e)));
  const ends = follow ? null : await topicEnds(config, { role: 'audit' }, 'audit');
  const seen = new Map<number, { offset: number; at: number }>();
  let entries = 0;
  let unreadable = 0;
  const sub = await bus.subscribe({ group: `${config.groups.central}-audit-${randomBytes(4).toString('hex')}`, topics: ['audit'], fromBeginning: true, commit: false }, async (records) => {
    for (const record of records) {
      seen.set(record.partition, { offset: Number(record.offset), at: Date.now() });
      const e = readAuditRecord(record);
      if ('bad' in e) {
        unreadable++;
        process.stderr.write(`audit ${record.partition}/${record.offset}: not an audit entry (${e.bad})\n`);
        continue;
      }
      entries++;
      process.stdout.write(argv.json ? JSON.stringify({ at: e.ts, ...e.payload }) + '\n' : auditLine(e) + '\n');
    }
  });
  await sub.ready;
  const readyAt = Date.now();
  const done = (partition: number, end: number) => {
    if (end === 0) return true;
    const s = seen.get(partition);
    if (s && s.offset + 1 >= end) return true;
    return Date.now() - (s?.at ?? readyAt) >= (s ? QUIET_END_MS : 5000);
  };
  const atEnd = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (ends && [...ends].every(([p, end]) => done(p, end))) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
  });
  await (follow ? shutdown.requested : Promise.race([atEnd, shutdown.requested]));
  await sub.close();
  await bus.close();
  shutdown.dispose();
  if (!follow && !argv.json) process.stderr.write(`${entries} audit entr${entries === 1 ? 'y' : 'ies'}${unreadable ? `, ${unreadable} unreadable` : ''}\n`);
  return 0;
}
