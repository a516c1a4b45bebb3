import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logLevel, type logCreator } from './kafkajs.js';

/**
 * kafkajs logs go to a file, never to the screen: stdout belongs to the TUI or to the
 * `--no-tui` event lines. EVCHARGE_LOG_DIR moves the folder.
 */
export function logFilePath(name: string): string {
  const dir = process.env.EVCHARGE_LOG_DIR ?? path.join(os.tmpdir(), 'evcharge-logs');
  return path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.log`);
}

const streams = new Map<string, WriteStream>();

function streamFor(file: string): WriteStream {
  let s = streams.get(file);
  if (!s) {
    mkdirSync(path.dirname(file), { recursive: true });
    s = createWriteStream(file, { flags: 'a' });
    // A full disk must not take a role down with it.
    s.on('error', () => {});
    streams.set(file, s);
  }
  return s;
}

/** Appends one JSON line per kafkajs log entry to `file`. */
export function fileLogCreator(file: string): logCreator {
  const out = streamFor(file);
  return () =>
    ({ namespace, level, label, log }) => {
      const { message, ...extra } = log;
      out.write(JSON.stringify({ time: new Date().toISOString(), pid: process.pid, level: label, namespace, message, ...extra, lvl: level }) + '\n');
    };
}

/** Our own diagnostic lines, in the same file as kafkajs's (every line names its process: two centrals of one network share a file). */
export function appendLog(file: string, message: string, extra: Record<string, unknown> = {}): void {
  streamFor(file).write(JSON.stringify({ time: new Date().toISOString(), pid: process.pid, level: 'INFO', namespace: 'evcharge', message, ...extra }) + '\n');
}

export const KAFKAJS_LOG_LEVEL = process.env.EVCHARGE_KAFKA_DEBUG ? logLevel.DEBUG : logLevel.INFO;
