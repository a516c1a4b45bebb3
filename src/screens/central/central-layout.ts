import { eventLogHeight } from '../shared/event-log.js';
import { TILE_HEIGHT, TILE_WIDTH } from './grid-layout.js';

export const CENTRAL_MIN = { columns: 60, rows: 22 };
const DETAIL_MIN_WIDTH = 36;

export interface CentralLayout {
  width: number;
  logRows: number;
  /** Detail to the right of the grid, or under it on narrow terminals. */
  side: boolean;
  grid: { width: number; height: number };
  detail: { width: number; height: number };
}

/** Where the monitor's panels go in a terminal of `columns` × `rows`. */
export function centralLayout(columns: number, rows: number): CentralLayout {
  const bodyHeight = rows - 1 - 2; // root is rows - 1 tall; header and footer take one each
  const logRows = bodyHeight >= 34 ? 8 : bodyHeight >= 26 ? 5 : 3;
  const main = Math.max(TILE_HEIGHT + 1, bodyHeight - 2 - eventLogHeight(logRows));
  if (columns >= 2 * TILE_WIDTH + DETAIL_MIN_WIDTH) {
    const cols = Math.floor((columns - DETAIL_MIN_WIDTH) / TILE_WIDTH);
    const gridWidth = cols * TILE_WIDTH;
    return { width: columns, logRows, side: true, grid: { width: gridWidth, height: main }, detail: { width: columns - gridWidth, height: main } };
  }
  const gridRows = Math.max(1, Math.floor((main - 6) / TILE_HEIGHT));
  const gridHeight = gridRows * TILE_HEIGHT + 1;
  return { width: columns, logRows, side: false, grid: { width: columns, height: gridHeight }, detail: { width: columns, height: Math.max(3, main - gridHeight) } };
}
