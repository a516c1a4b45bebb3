import { eventLogHeight } from '../shared/event-log.js';
import { LOG_MIN_ROWS, logFloor } from '../shared/log-floor.js';
import type { BodySize } from '../shared/screen-frame.js';
import { RECEIPT_HEIGHT } from './receipt.js';
import { SESSION_HEIGHT } from './session-panel.js';

export const DRIVER_MIN = { columns: 60, rows: 20 };
/** From this width the receipt and the ticket list sit to the right of the menu and the session. */
const WIDE_COLUMNS = 96;
const RIGHT_COLUMNS = 48;
/** Between the columns, so the session's border and the receipt's do not run into each other. */
const GAP = 1;
/** The receipt's border and its total alone (it gives up its other lines first). */
const RECEIPT_MIN_HEIGHT = 3;
/** Border, whose receipt, and the total. */
const RECEIPT_SHORT_HEIGHT = 4;
/** The menu's title and the cursor's row. */
const MENU_MIN_HEIGHT = 2;

export interface DriverContent {
  /** CPs in the menu. */
  cps: number;
  /** Services in the `--cp` / `--file` run's queue, if there is a run. */
  run: number | null;
  /** Tickets in this run's list (the last one is on the receipt). */
  tickets: number;
}

export interface DriverLayout {
  /** Receipt and tickets to the right; narrow terminals put the receipt under the session and leave the list out. */
  wide: boolean;
  leftWidth: number;
  /** The right column's width, after a gap of `gap` columns. */
  rightWidth: number;
  gap: number;
  /** The rows above the events pane (in a wide layout, both columns). */
  main: number;
  run: number;
  menu: number;
  session: number;
  receipt: number;
  history: number;
  logRows: number;
}

/**
 * Hands `total` rows out in the order of `steps`, each raising one part to at most `upTo` rows:
 * every part gets its least before any gets more, and what comes first wins when rows run out.
 */
function share<K extends string>(total: number, parts: readonly K[], steps: ReadonlyArray<readonly [K, number]>): Record<K, number> {
  const rows = Object.fromEntries(parts.map((p) => [p, 0])) as Record<K, number>;
  let left = Math.max(0, total);
  for (const [part, upTo] of steps) {
    const add = Math.max(0, Math.min(left, upTo - rows[part]));
    rows[part] += add;
    left -= add;
  }
  return rows;
}

/**
 * Where the driver's panels go in a body of `body` showing `content`. The run's queue and the menu
 * are as tall as their rows need (the run first: while it goes on the menu is inert), the session
 * keeps its height, the receipt its total at least, and the events pane takes the rest, never less
 * than its floor for the terminal's height once the others have their least.
 */
export function driverLayout(body: BodySize, content: DriverContent): DriverLayout {
  const menuNeed = 1 + Math.max(1, content.cps);
  // The run's title, its services and its status line; at least the current service.
  const runNeed = content.run === null ? 0 : 2 + content.run;
  const runMin = content.run === null ? 0 : 2 + Math.min(1, content.run);
  // No ticket yet: the receipt's two lines say so, and the rest of its rows are better spent elsewhere.
  const receiptNeed = content.tickets > 0 ? RECEIPT_HEIGHT : RECEIPT_SHORT_HEIGHT;
  const logMin = eventLogHeight(LOG_MIN_ROWS);
  const logWanted = eventLogHeight(logFloor(body.height));

  if (body.width < WIDE_COLUMNS) {
    const rows = share(body.height, ['run', 'menu', 'session', 'receipt', 'log'], [
      ['session', SESSION_HEIGHT],
      ['log', logMin],
      ['receipt', RECEIPT_MIN_HEIGHT],
      ['run', runMin],
      ['menu', MENU_MIN_HEIGHT],
      ['receipt', RECEIPT_SHORT_HEIGHT],
      ['log', logWanted],
      ['run', runNeed],
      ['menu', menuNeed],
      ['receipt', receiptNeed],
      ['log', Infinity],
    ]);
    const main = rows.run + rows.menu + rows.session + rows.receipt;
    return { wide: false, leftWidth: body.width, rightWidth: 0, gap: 0, main, ...rows, history: 0, logRows: rows.log - 1 };
  }

  const leftWidth = Math.max(body.width - RIGHT_COLUMNS, Math.floor(body.width * 0.6));
  const leftMin = SESSION_HEIGHT + runMin + MENU_MIN_HEIGHT;
  const leftNeed = SESSION_HEIGHT + runNeed + menuNeed;
  const rightNeed = receiptNeed + 1 + content.tickets;
  const { main, log } = share(body.height, ['main', 'log'], [
    ['main', leftMin],
    ['log', logMin],
    ['main', Math.max(leftMin, receiptNeed + 1)],
    ['log', logWanted],
    ['main', Math.max(leftNeed, rightNeed)],
    ['log', Infinity],
  ]);
  // A ticket list taller than the left column leaves the spare under the session, not between the
  // menu's last row and it.
  const left = share(main, ['run', 'menu', 'session'], [
    ['session', SESSION_HEIGHT],
    ['run', runMin],
    ['menu', MENU_MIN_HEIGHT],
    ['run', runNeed],
    ['menu', menuNeed],
  ]);
  const right = share(main, ['receipt', 'history'], [
    ['receipt', RECEIPT_SHORT_HEIGHT],
    ['history', 1],
    ['receipt', receiptNeed],
    ['history', Infinity],
  ]);
  return { wide: true, leftWidth, rightWidth: body.width - leftWidth - GAP, gap: GAP, main, ...left, ...right, logRows: log - 1 };
}
