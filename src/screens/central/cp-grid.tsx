import { Box, Text } from 'ink';
import type { CpView } from '../../roles/central/index.js';
import { CpTile } from './cp-tile.js';
import { gridShape, TILE_HEIGHT } from './grid-layout.js';

/** The page of tiles holding the selected CP; as many columns as fit the width. */
export function CpGrid({ cps, selectedIndex, width, height, emptyText }: { cps: readonly CpView[]; selectedIndex: number; width: number; height: number; emptyText: string }) {
  const shape = gridShape(width, height - 1, cps.length);
  if (cps.length === 0) {
    return (
      <Box width={width} height={height} flexShrink={0}>
        <Text dimColor>{emptyText}</Text>
      </Box>
    );
  }
  const page = Math.floor(Math.max(0, selectedIndex) / shape.pageSize);
  const first = page * shape.pageSize;
  const visible = cps.slice(first, first + shape.pageSize);
  const rows: CpView[][] = [];
  for (let i = 0; i < visible.length; i += shape.cols) rows.push(visible.slice(i, i + shape.cols));
  return (
    <Box width={width} height={height} flexDirection="column" flexShrink={0} overflow="hidden">
      {rows.map((row, r) => (
        <Box key={r} height={TILE_HEIGHT} flexShrink={0}>
          {row.map((cp, c) => (
            <CpTile key={cp.id} cp={cp} selected={first + r * shape.cols + c === selectedIndex} />
          ))}
        </Box>
      ))}
      <Text dimColor wrap="truncate-end">
        {shape.pages > 1
          ? `page ${page + 1}/${shape.pages} · ${first + 1}–${first + visible.length} of ${cps.length} · PgUp/PgDn`
          : `${cps.length} charge point${cps.length === 1 ? '' : 's'}`}
      </Text>
    </Box>
  );
}
