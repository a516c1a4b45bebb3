import { Box, Text } from 'ink';
import type { CpView } from '../../roles/central/index.js';
import { fmtEur, fmtKw, fmtPrice, pad, truncate } from '../shared/format.js';
import { useColor } from '../shared/screen-context.js';
import { CP_STATE_STYLE } from '../shared/state-style.js';
import { TILE_HEIGHT, TILE_WIDTH } from './grid-layout.js';

const INNER = TILE_WIDTH - 4;

/** One CP: id and price, location, state word + glyph (+ kW), and the supply's driver and €. */
export function CpTile({ cp, selected }: { cp: CpView; selected: boolean }) {
  const color = useColor();
  const style = CP_STATE_STYLE[cp.state];
  const price = fmtPrice(cp.pricePerKwh);
  const idWidth = Math.max(1, INNER - price.length - 1);
  const supply = cp.supply;
  const stateLine = cp.state === 'CHARGING' && supply ? `${style.glyph} ${style.word} ${fmtKw(supply.kw)}` : `${style.glyph} ${style.word}`;
  let detail = '';
  if (supply) detail = `${supply.driverId} ${fmtEur(supply.eur)}${supply.ending ? ' ending' : ''}`;
  else if (cp.state === 'DISCONNECTED') detail = 'no heartbeat';
  return (
    <Box
      width={TILE_WIDTH}
      height={TILE_HEIGHT}
      flexDirection="column"
      flexShrink={0}
      paddingX={1}
      borderStyle={selected ? 'double' : 'round'}
      borderColor={color(selected ? 'cyan' : style.color)}
    >
      <Text wrap="truncate-end">
        <Text bold inverse={selected}>
          {pad((selected ? '▸' : '') + cp.id, idWidth)}
        </Text>{' '}
        {price}
      </Text>
      <Text wrap="truncate-end" dimColor>
        {truncate(cp.location, INNER) || ' '}
      </Text>
      <Text wrap="truncate-end" bold color={color(style.color)}>
        {truncate(stateLine, INNER)}
      </Text>
      <Text wrap="truncate-end">{truncate(detail, INNER) || ' '}</Text>
    </Box>
  );
}
