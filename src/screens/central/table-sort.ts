import type { CpView } from '../../roles/central/index.js';

/** The table view's columns, in order; each sorts the CPs its own way. */
export const TABLE_COLUMNS = ['id', 'location', 'state', 'kW', 'driver', '€', 'heard'] as const;
export type TableColumn = (typeof TABLE_COLUMNS)[number];

export interface TableSort {
  column: TableColumn;
  descending: boolean;
}

/** The table's heading, its rule, and the page line under it. */
export const TABLE_CHROME_ROWS = 3;

export const DEFAULT_SORT: TableSort = { column: 'id', descending: false };

/** Figures read best largest first, names A to Z, the last heard most recent first. */
const DESCENDING_FIRST = new Set<TableColumn>(['kW', '€', 'heard']);

/** `<` / `>`: the previous / next column, in its natural order. */
export function nextSort(sort: TableSort, step: 1 | -1): TableSort {
  const i = TABLE_COLUMNS.indexOf(sort.column);
  const column = TABLE_COLUMNS[(i + step + TABLE_COLUMNS.length) % TABLE_COLUMNS.length]!;
  return { column, descending: DESCENDING_FIRST.has(column) };
}

function keyOf(cp: CpView, column: TableColumn): string | number {
  switch (column) {
    case 'id': return cp.id;
    case 'location': return cp.location.toLowerCase();
    case 'state': return cp.state;
    case 'kW': return cp.supply?.kw ?? -1;
    case 'driver': return cp.supply?.driverId ?? '\uffff';
    case '€': return cp.supply?.eur ?? -1;
    case 'heard': return cp.lastHeartbeatAt ?? -1;
  }
}

/**
 * The CPs in the table's order, ties by id. Central's list is already by id, so that sort is free;
 * any other is one pass over precomputed keys (10,000 CPs sort in a few milliseconds).
 */
export function sortCps(cps: readonly CpView[], sort: TableSort): readonly CpView[] {
  if (sort.column === 'id') return sort.descending ? [...cps].reverse() : cps;
  const keyed = cps.map((cp, i) => ({ cp, key: keyOf(cp, sort.column), i }));
  const sign = sort.descending ? -1 : 1;
  keyed.sort((a, b) => (a.key < b.key ? -sign : a.key > b.key ? sign : a.i - b.i));
  return keyed.map((k) => k.cp);
}
