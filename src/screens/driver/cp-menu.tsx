import { Box, Text } from 'ink';
import type { DriverCpView } from '../../roles/driver/index.js';
import { fmtPrice, pad } from '../shared/format.js';
import { useColor } from '../shared/screen-context.js';
import { CP_STATE_STYLE, UNAVAILABLE_WHY } from '../shared/state-style.js';
import { menuColumns, PRICE_WIDTH } from './cp-menu-columns.js';
import { selectable } from './menu-cursor.js';

export interface CpMenuProps {
  cps: readonly DriverCpView[];
  cursorId: string | null;
  /** False while a request, a supply or a run is in progress (the menu is shown but inert). */
  enabled: boolean;
  width: number;
  /** Its title and a row per CP shown; with more CPs than rows the rows follow the cursor. */
  height: number;
}

/** The CPs with state and price; only AVAILABLE ones can be picked, the others are greyed with why. */
export function CpMenu({ cps, cursorId, enabled, width, height }: CpMenuProps) {
  const color = useColor();
  // One row is the title's alone: the count of available CPs says more than any one of them.
  const rows = Math.max(0, height - 1);
  const cursor = cps.findIndex((cp) => cp.id === cursorId);
  const first = Math.max(0, Math.min(cps.length - rows, cursor - Math.floor(rows / 2)));
  const shown = cps.slice(first, first + rows);
  const available = cps.filter(selectable).length;
  const { idWidth, locWidth, why } = menuColumns(cps, width);
  return (
    <Box width={width} height={height} flexDirection="column" flexShrink={0} overflow="hidden">
      <Text bold wrap="truncate-end">
        charge points <Text dimColor>({available} of {cps.length} available{cps.length > rows ? `, ${first + 1}–${first + shown.length}` : ''})</Text>
      </Text>
      {cps.length === 0 && rows > 0 ? <Text dimColor>no charge points known yet (reading cp-state…)</Text> : null}
      {shown.map((cp) => {
        const style = CP_STATE_STYLE[cp.state];
        const can = selectable(cp);
        const here = cp.id === cursorId;
        const line = `${here ? '▸' : ' '} ${pad(cp.id, idWidth)} ${pad(cp.location, locWidth)} ${pad(fmtPrice(cp.pricePerKwh), PRICE_WIDTH)}`;
        return (
          <Text key={cp.id} wrap="truncate-end" dimColor={!can} inverse={here && enabled}>
            {line}
            <Text color={color(style.color)}>
              {style.glyph} {style.word}
            </Text>
            {can || !why ? '' : ` — ${UNAVAILABLE_WHY[cp.state]}`}
          </Text>
        );
      })}
    </Box>
  );
}
