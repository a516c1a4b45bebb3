import { Box, Text } from 'ink';
import type { CpView } from '../../roles/central/index.js';
import { pad } from '../shared/format.js';
import { useColor } from '../shared/screen-context.js';
import { CP_STATE_STYLE } from '../shared/state-style.js';
import { TABLE_CHROME_ROWS, TABLE_COLUMNS, type TableColumn, type TableSort } from './table-sort.js';

const FIXED: Record<Exclude<TableColumn, 'location'>, number> = { id: 10, state: 16, kW: 7, driver: 12, '€': 8, heard: 7 };
const RIGHT = new Set<TableColumn>(['kW', '€', 'heard']);

/** Column widths for `width`: fixed ones for figures, the location takes what is left. */
function widths(width: number): Record<TableColumn, number> {
  // Two columns of mark, one space between columns.
  const used = 2 + Object.values(FIXED).reduce((a, b) => a + b, 0) + TABLE_COLUMNS.length - 1;
  return { ...FIXED, location: Math.max(6, width - used) };
}

function ago(now: number, at: number | null): string {
  if (at === null) return '-';
  const s = Math.max(0, Math.round((now - at) / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h`;
}

function cell(text: string, width: number, column: TableColumn): string {
  return RIGHT.has(column) ? pad(text, width).trimEnd().padStart(width) : pad(text, width);
}

function cellsOf(cp: CpView, now: number): Record<TableColumn, string> {
  const style = CP_STATE_STYLE[cp.state];
  const s = cp.supply;
  return {
    id: cp.id,
    location: cp.location,
    state: `${style.glyph} ${style.word}`,
    kW: s ? s.kw.toFixed(1) : '',
    driver: s?.driverId ?? '',
    '€': s ? s.eur.toFixed(2) : '',
    heard: ago(now, cp.lastHeartbeatAt),
  };
}

/**
 * One row per CP, for networks too big for tiles. Only the page holding the selection is drawn, a
 * line of text per row, so 10,000 CPs cost what 30 do. Widths depend on the terminal only, so
 * columns do not jump between pages. (Written here rather than with ink-table, which measures
 * every row, draws a rule between rows and keys rows by a hash of their content.)
 */
export function CpTableView({ cps, selectedIndex, sort, width, height, now }: { cps: readonly CpView[]; selectedIndex: number; sort: TableSort; width: number; height: number; now: number }) {
  const color = useColor();
  const pageSize = Math.max(1, height - TABLE_CHROME_ROWS);
  const page = Math.floor(Math.max(0, selectedIndex) / pageSize);
  const first = page * pageSize;
  const slice = cps.slice(first, first + pageSize);
  const w = widths(width);
  const arrow = sort.descending ? '▼' : '▲';
  const heading = TABLE_COLUMNS.map((c) => cell(c === sort.column ? `${c} ${arrow}` : c, w[c], c)).join(' ');
  const pages = Math.max(1, Math.ceil(cps.length / pageSize));
  return (
    <Box width={width} height={height} flexDirection="column" flexShrink={0} overflow="hidden">
      <Text bold wrap="truncate-end">{`  ${heading}`}</Text>
      <Text dimColor wrap="truncate-end">{'─'.repeat(Math.max(0, width))}</Text>
      {slice.map((cp, i) => {
        const selected = first + i === selectedIndex;
        const cells = cellsOf(cp, now);
        const text = (c: TableColumn) => cell(cells[c], w[c], c);
        return (
          <Text key={cp.id} wrap="truncate-end" inverse={selected}>
            {selected ? '▸ ' : '  '}
            {text('id')} {text('location')}{' '}
            <Text bold color={color(CP_STATE_STYLE[cp.state].color)}>{text('state')}</Text>{' '}
            {text('kW')} {text('driver')} {text('€')} {text('heard')}
          </Text>
        );
      })}
      <Text dimColor wrap="truncate-end">
        {pages > 1 ? `page ${page + 1}/${pages} · ${first + 1}–${first + slice.length} of ${cps.length} · PgUp/PgDn · ` : `${cps.length} charge point${cps.length === 1 ? '' : 's'} · `}
        {`sorted by ${sort.column} ${arrow} · < > another column`}
      </Text>
    </Box>
  );
}
