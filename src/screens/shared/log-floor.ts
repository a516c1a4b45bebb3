/** Fewer event lines than this and the log says nothing. */
export const LOG_MIN_ROWS = 2;

/**
 * Event lines a screen's log keeps even when its panels want the rows: a few on a short terminal,
 * more on a tall one. Beyond this the log takes whatever the panels leave.
 */
export function logFloor(bodyHeight: number): number {
  return bodyHeight >= 34 ? 8 : bodyHeight >= 26 ? 5 : LOG_MIN_ROWS;
}
