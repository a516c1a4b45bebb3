import { localClock } from '../protocol/index.js';
import { eventToJson, type RoleEvent } from '../roles/shared/events.js';

/** `--no-tui` output: one readable line per event, or one JSON object per line with `--json`. */
export function eventPrinter(json: boolean, out: NodeJS.WritableStream = process.stdout): (event: RoleEvent) => void {
  return json
    ? (event) => out.write(JSON.stringify(eventToJson(event)) + '\n')
    : (event) => out.write(`${localClock(event.at)} ${event.text}\n`);
}

