import { eventToJson, type RoleEvent } from '../roles/shared/events.js';

/** `--no-tui` output: one readable line per event, or one JSON object per line with `--json`. */
export function eventPrinter(json: boolean, out: NodeJS.WritableStream = process.stdout): (event: RoleEvent) => void {
  return json
    ? (event) => out.write(JSON.stringify(eventToJson(event)) + '\n')
    : (event) => out.write(`${clockTime(event.at)} ${event.text}\n`);
}

/** HH:MM:SS in local time, enough to follow a session by eye. */
function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
