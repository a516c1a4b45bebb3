import { Box, Text } from 'ink';
import type { CentralTotals } from '../../roles/central/index.js';
import { CP_STATES } from '../../protocol/index.js';
import { fmtEur, fmtKwh } from '../shared/format.js';
import { useColor } from '../shared/screen-context.js';
import { CP_STATE_STYLE } from '../shared/state-style.js';

/** Two lines: CPs per state; supplies in progress, completed sessions, energy and money, filter. */
export function TotalsBar({ totals, width, phase, filter, editingFilter, shown, total }: {
  totals: CentralTotals;
  width: number;
  phase: string;
  filter: string;
  editingFilter: boolean;
  shown: number;
  total: number;
}) {
  const color = useColor();
  return (
    <Box width={width} height={2} flexDirection="column" flexShrink={0} overflow="hidden">
      <Text wrap="truncate-end">
        {CP_STATES.map((s, i) => (
          <Text key={s}>
            {i > 0 ? '  ' : ''}
            <Text color={color(CP_STATE_STYLE[s].color)}>
              {CP_STATE_STYLE[s].glyph} {CP_STATE_STYLE[s].word.toLowerCase()}
            </Text>{' '}
            <Text bold>{totals.byState[s]}</Text>
          </Text>
        ))}
      </Text>
      <Text wrap="truncate-end">
        {phase === 'rebuilding' || phase === 'taking-over' ? <Text color={color('yellow')}>{phase === 'rebuilding' ? 'rebuilding from cp-state… ' : 'taking over: catching up with cp-state… '}</Text> : null}
        {/* The filter first: a long totals line is cut at the right edge, the filter must stay. */}
        {filter || editingFilter ? (
          <Text color={color('yellow')}>
            filter “{filter}
            {editingFilter ? '▏' : ''}” {shown}/{total} ·{' '}
          </Text>
        ) : null}
        supplies in progress <Text bold>{totals.openSupplies}</Text> · today <Text bold>{totals.today.sessions}</Text> sessions ·{' '}
        <Text bold>{fmtKwh(totals.today.kwh)}</Text> · <Text bold>{fmtEur(totals.today.eur)}</Text> · all time {totals.sessions} ·{' '}
        {fmtKwh(totals.kwh)} · {fmtEur(totals.eur)}
      </Text>
    </Box>
  );
}
