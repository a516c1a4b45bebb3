import { Box, Text } from 'ink';
import type { DriverCpView } from '../../roles/driver/index.js';
import { fmtPrice, pad } from '../shared/format.js';
import { useColor } from '../shared/screen-context.js';
import { CP_STATE_STYLE, UNAVAILABLE_WHY } from '../shared/state-style.js';
import { selectable } from './menu-cursor.js';

export interface CpMenuProps {
  cps: readonly DriverCpView[];
  cursorId: string | null;
  /** False while a request, a supply or a run is in progress (the menu is shown but inert). */
  enabled: boolean;
  width: number;
  height: number;
}

/** The CPs with state and price; only AVAILABLE ones can be picked, the others are greyed with why. */
export function CpMenu({ cps, cursorId, enabled, width, height }: CpMenuProps) {
  const color = useColor();
  const rows = Math.max(1, height - 1);
  const cursor = cps.findIndex((cp) => cp.id === cursorId);
  const first = Math.max(0, Math.min(cps.length - rows, cursor - Math.floor(rows / 2)));
  const shown = cps.slice(first, first + rows);
  const available = cps.filter(selectable).length;
  const idWidth = Math.max(5, ...cps.map((cp) => cp.id.length));
  // cursor, id, location, price, state word, why: the location gives way first
  const locWidth = Math.max(6, Math.min(22, width - (2 + idWidth + 1 + 1 + 11 + 1 + 16 + 10)));
  return (
    <Box width={width} height={height} flexDirection="column" flexShrink={0} overflow="hidden">
      <Text bold wrap="truncate-end">
        charge points <Text dimColor>({available} of {cps.length} available{cps.length > rows ? `, ${first + 1}–${first + shown.length}` : ''})</Text>
      </Text>
      {cps.length === 0 ? <Text dimColor>no charge points known yet (reading cp-state…)</Text> : null}
      {shown.map((cp) => {
        const style = CP_STATE_STYLE[cp.state];
        const can = selectable(cp);
        const here = cp.id === cursorId;
        const line = `${here ? '▸' : ' '} ${pad(cp.id, idWidth)} ${pad(cp.location, locWidth)} ${pad(fmtPrice(cp.pricePerKwh), 11)} `;
        return (
          <Text key={cp.id} wrap="truncate-end" dimColor={!can} inverse={here && enabled}>
            {line}
            <Text color={color(style.color)}>
              {style.glyph} {style.word}
            </Text>
            {can ? '' : ` — ${UNAVAILABLE_WHY[cp.state]}`}
          </Text>
        );
      })}
    </Box>
  );
}
