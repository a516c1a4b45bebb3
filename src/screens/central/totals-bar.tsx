import { Box } from 'ink';
import type { Segment } from '../shared/fit.js';
import { Segments } from '../shared/segments.js';

/** The status lines chosen by totalsLines (CPs per state; supplies, sessions, energy, money). */
export function TotalsBar({ lines, width }: { lines: readonly (readonly Segment[])[]; width: number }) {
  return (
    <Box width={width} height={lines.length} flexDirection="column" flexShrink={0} overflow="hidden">
      {lines.map((line, i) => (
        <Segments key={i} line={line} />
      ))}
    </Box>
  );
}
