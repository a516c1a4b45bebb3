import { Text } from 'ink';
import type { Segment } from './fit.js';
import { useColor } from './screen-context.js';

/** One line made of segments (see fit.ts), cut at the right edge only as a last resort. */
export function Segments({ line, dimColor }: { line: readonly Segment[]; dimColor?: boolean }) {
  const color = useColor();
  return (
    <Text wrap="truncate-end" dimColor={dimColor}>
      {line.map((s, i) => (
        <Text key={i} bold={s.bold} dimColor={s.dim} color={color(s.color)}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
