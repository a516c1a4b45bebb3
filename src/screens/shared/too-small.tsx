import { Box, Text } from 'ink';
import type { TerminalSize } from './use-terminal-size.js';

/** Shown instead of the panels while the terminal is below the screen's minimum size. */
export function TooSmall({ size, min }: { size: TerminalSize; min: TerminalSize }) {
  return (
    <Box width={size.columns} height={Math.max(1, size.rows - 1)} flexDirection="column" overflow="hidden">
      <Text wrap="truncate-end">terminal too small (need {min.columns}×{min.rows})</Text>
      <Text wrap="truncate-end">
        now {size.columns}×{size.rows}; q quits
      </Text>
    </Box>
  );
}
