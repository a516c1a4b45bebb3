import { Box, Text } from 'ink';
import type { KeyHelp } from './keys.js';
import { useColor } from './screen-context.js';

/** Every key of the screen, in place of the panels; any key closes it. */
export function HelpOverlay({ title, keys, width, height }: { title: string; keys: readonly KeyHelp[]; width: number; height: number }) {
  const color = useColor();
  const keyWidth = Math.max(...keys.map((k) => k.keys.length), 3) + 2;
  return (
    <Box width={width} height={height} flexDirection="column" borderStyle="round" borderColor={color('cyan')} paddingX={1} overflow="hidden">
      <Text bold>Help — {title}</Text>
      <Text> </Text>
      {keys.map((k) => (
        <Box key={k.keys}>
          <Box width={keyWidth} flexShrink={0}>
            <Text bold color={color('cyan')}>{k.keys}</Text>
          </Box>
          <Text wrap="truncate-end">{k.help ?? k.label}</Text>
        </Box>
      ))}
      <Text> </Text>
      <Text dimColor>press any key to close</Text>
    </Box>
  );
}
