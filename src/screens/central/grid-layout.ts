import { TABLE_CHROME_ROWS } from './table-sort.js';

/** Tile size of the CP grid, border included. */
export const TILE_WIDTH = 26;
export const TILE_HEIGHT = 6;

export interface GridShape {
  cols: number;
  rows: number;
  pageSize: number;
  pages: number;
}

/** How many tiles fit in `width` × `height`, and how many pages `count` CPs take. */
export function gridShape(width: number, height: number, count: number): GridShape {
  const cols = Math.max(1, Math.floor(width / TILE_WIDTH));
  const rows = Math.max(1, Math.floor(height / TILE_HEIGHT));
  const pageSize = cols * rows;
  return { cols, rows, pageSize, pages: Math.max(1, Math.ceil(count / pageSize)) };
}

/** The table view as a grid of one column: a page is the rows that fit under its heading. */
export function tableShape(height: number, count: number): GridShape {
  const rows = Math.max(1, height - TABLE_CHROME_ROWS);
  return { cols: 1, rows, pageSize: rows, pages: Math.max(1, Math.ceil(count / rows)) };
}

export type Move = 'left' | 'right' | 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end';

/** The index the selection moves to in a grid of `count` tiles laid out `shape.cols` wide. */
export function moveIndex(index: number, count: number, shape: GridShape, move: Move): number {
  if (count === 0) return -1;
  const i = Math.min(Math.max(index, 0), count - 1);
  const clamp = (n: number) => Math.min(count - 1, Math.max(0, n));
  switch (move) {
    case 'left':
      return clamp(i - 1);
    case 'right':
      return clamp(i + 1);
    case 'up':
      return i - shape.cols >= 0 ? i - shape.cols : i;
    case 'down':
      return i + shape.cols < count ? i + shape.cols : Math.floor(i / shape.cols) < Math.floor((count - 1) / shape.cols) ? count - 1 : i;
    case 'page-up':
      return clamp(i - shape.pageSize);
    case 'page-down':
      return clamp(i + shape.pageSize);
    case 'home':
      return 0;
    case 'end':
      return count - 1;
  }
}
