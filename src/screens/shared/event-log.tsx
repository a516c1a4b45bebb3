import { Box, Text } from 'ink';
import type { ReadableStore } from '../../roles/shared/store.js';
import type { LogLine, Tone } from './event-buffer.js';
import { fmtClock } from './format.js';
import { useColor } from './screen-context.js';
import { ORANGE } from './state-style.js';
import { useRoleState } from './use-role-state.js';

const TONE: Record<Tone, { color?: string; mark: string }> = {
  good: { color: 'green', mark: '+' },
  bad: { color: 'red', mark: '!' },
  warn: { color: ORANGE, mark: '~' },
  info: { color: 'cyan', mark: '·' },
  plain: { mark: ' ' },
};

/** Rows an EventLog of `rows` lines takes (a title rule, then the lines). */
export const eventLogHeight = (rows: number): number => rows + 1;

/** The last `rows` lines of an event buffer, in a fixed height of `rows + 1`. */
export function EventLog({ lines, rows, width, title = 'events' }: { lines: ReadableStore<readonly LogLine[]>; rows: number; width: number; title?: string }) {
  const color = useColor();
  const all = useRoleState(lines);
  const shown = all.slice(-rows);
  return (
    <Box width={width} height={eventLogHeight(rows)} flexDirection="column" flexShrink={0} overflow="hidden">
      <Text color={color('gray')} wrap="truncate-end">
        {'── '}
        <Text bold color={color('white')}>{title}</Text> {'─'.repeat(Math.max(0, width - title.length - 4))}
      </Text>
      {shown.length === 0 ? <Text dimColor>(nothing yet)</Text> : null}
      {shown.map((line) => {
        const tone = TONE[line.tone];
        return (
          <Text key={line.id} wrap="truncate-end">
            <Text dimColor>{fmtClock(line.at)} </Text>
            <Text color={color(tone.color)}>
              {tone.mark} {line.text}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
}
