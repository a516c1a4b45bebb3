import { Box, Text } from 'ink';
import type { KeyHelp } from './keys.js';
import { useColor } from './screen-context.js';

export interface FooterProps {
  keys: readonly KeyHelp[];
  width: number;
  /** A prompt or the result of the last action; replaces the hints while present. */
  message?: { text: string; tone?: 'ok' | 'error' | 'prompt' } | null;
}

/** One line: key hints, or a message in their place. */
export function Footer({ keys, width, message }: FooterProps) {
  const color = useColor();
  if (message) {
    const tone = message.tone === 'error' ? 'red' : message.tone === 'prompt' ? 'yellow' : 'green';
    const mark = message.tone === 'error' ? '✖ ' : message.tone === 'prompt' ? '? ' : '✓ ';
    return (
      <Box width={width} height={1} flexShrink={0} overflow="hidden">
        <Text color={color(tone)} bold={message.tone === 'prompt'} wrap="truncate-end">
          {mark}
          {message.text}
        </Text>
      </Box>
    );
  }
  return (
    <Box width={width} height={1} flexShrink={0} overflow="hidden">
      <Text wrap="truncate-end">
        {keys
          .filter((k) => k.hint !== false)
          .map((k, i) => (
            <Text key={k.keys}>
              {i > 0 ? '  ' : ''}
              <Text bold color={color('cyan')}>{k.keys}</Text> {k.label}
            </Text>
          ))}
      </Text>
    </Box>
  );
}
