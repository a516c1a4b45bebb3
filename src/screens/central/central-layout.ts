import { eventLogHeight } from '../shared/event-log.js';
import { LOG_MIN_ROWS, logFloor } from '../shared/log-floor.js';
import { TILE_HEIGHT, TILE_WIDTH } from './grid-layout.js';
import { TABLE_CHROME_ROWS } from './table-sort.js';

export const CENTRAL_MIN = { columns: 60, rows: 22 };
const DETAIL_MIN_WIDTH = 36;
/** The detail's every line (see CpDetail) and its border; it gives up lines below that. */
export const DETAIL_FULL_HEIGHT = 12;
/** Down to the state, the power gauge and the sparkline. */
const DETAIL_MIN_HEIGHT = 7;

export interface CentralLayout {
  width: number;
  logRows: number;
  /** Detail to the right of the grid, or under it on narrow terminals. */
  side: boolean;
  grid: { width: number; height: number };
  detail: { width: number; height: number };
}

const gridHeight = (tileRows: number): number => tileRows * TILE_HEIGHT + 1; // + the page line

/**
 * Where the monitor's panels go in a terminal of `columns` × `rows` showing `count` CPs under
 * `summaryRows` status lines. The grid is as tall as its CPs need (up to what leaves the detail and
 * the log their least), the detail as tall as its lines (at most), and the log takes the rest.
 */
export function centralLayout(columns: number, rows: number, count: number, summaryRows = 2, view: 'tiles' | 'table' = 'tiles'): CentralLayout {
  const bodyHeight = rows - 1 - 2; // root is rows - 1 tall; header and footer take one each
  const free = Math.max(0, bodyHeight - summaryRows);
  const spare = free - eventLogHeight(logFloor(bodyHeight));
  const tileRowsFor = (cols: number, room: number) => Math.max(1, Math.min(Math.ceil(Math.max(1, count) / cols), Math.floor((room - 1) / TILE_HEIGHT)));
  // A table is one line per CP under its heading, as tall as its CPs need and the room allows.
  const tableHeight = (room: number) => Math.max(TABLE_CHROME_ROWS + 1, Math.min(Math.max(1, count) + TABLE_CHROME_ROWS, room));
  if (columns >= 2 * TILE_WIDTH + DETAIL_MIN_WIDTH) {
    const cols = Math.floor((columns - DETAIL_MIN_WIDTH) / TILE_WIDTH);
    const gridWidth = view === 'table' ? columns - DETAIL_MIN_WIDTH - 4 : cols * TILE_WIDTH;
    const grid = view === 'table' ? tableHeight(spare) : gridHeight(tileRowsFor(cols, spare));
    const main = Math.max(grid, Math.min(DETAIL_FULL_HEIGHT, spare));
    const logRows = Math.max(LOG_MIN_ROWS, free - main - 1);
    return { width: columns, logRows, side: true, grid: { width: gridWidth, height: grid }, detail: { width: columns - gridWidth, height: main } };
  }
  const cols = Math.max(1, Math.floor(columns / TILE_WIDTH));
  const grid = view === 'table' ? tableHeight(spare - DETAIL_MIN_HEIGHT) : gridHeight(tileRowsFor(cols, spare - DETAIL_MIN_HEIGHT));
  const detail = Math.max(3, Math.min(DETAIL_FULL_HEIGHT, spare - grid));
  const logRows = Math.max(LOG_MIN_ROWS, free - grid - detail - 1);
  return { width: columns, logRows, side: false, grid: { width: columns, height: grid }, detail: { width: columns, height: detail } };
}

/**
 * The audit view takes every row the log's floor leaves (a trail reads better long), and the log
 * keeps its floor: `height` for the view, `logRows` for the log under it.
 */
export function auditLayout(rows: number, summaryRows = 2): { height: number; logRows: number } {
  const bodyHeight = rows - 1 - 2;
  const free = Math.max(0, bodyHeight - summaryRows);
  const logRows = Math.max(LOG_MIN_ROWS, Math.min(logFloor(bodyHeight), free - 1 - 4));
  return { height: Math.max(4, free - eventLogHeight(logRows)), logRows };
}
