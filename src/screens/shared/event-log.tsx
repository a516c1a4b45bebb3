import { Box, Text } from 'ink';
import type { ReadableStore } from '../../roles/shared/store.js';
import type { LogLine, Tone } from './event-buffer.js';
import { textWidth } from './fit.js';
import { fmtClock, truncateWords } from './format.js';
import { useColor } from './screen-context.js';
import { ORANGE } from './state-style.js';
import { useRoleState } from './use-role-state.js';
import { wrapWords } from './wrap-words.js';

const TONE: Record<Tone, { color?: string; mark: string }> = {
  good: { color: 'green', mark: '+' },
  bad: { color: 'red', mark: '!' },
  warn: { color: ORANGE, mark: '~' },
  info: { color: 'cyan', mark: '·' },
  plain: { mark: ' ' },
};

/** Rows an EventLog of `rows` lines takes (a title rule, then the lines). */
export const eventLogHeight = (rows: number): number => rows + 1;

/** `08:01:02 + `: the time and the tone's mark before each event's text. */
const PREFIX = fmtClock(0).length + 3;

interface Shown {
  line: LogLine;
  rows: string[];
}

/**
 * The newest events that fit `rows` rows, oldest first. A text wider than the pane goes on to more
 * rows, broken between words, rather than lose its end (often the reason); the newest alone
 * taller than the pane keeps its first rows and says it goes on.
 */
function newestThatFit(all: readonly LogLine[], rows: number, textColumns: number): Shown[] {
  const shown: Shown[] = [];
  let left = rows;
  for (let i = all.length - 1; i >= 0 && left > 0; i--) {
    const line = all[i]!;
    const wrapped = wrapWords(line.text, textColumns);
    if (wrapped.length > left) {
      if (shown.length === 0) {
        const kept = wrapped.slice(0, left);
        const last = kept[left - 1]!;
        kept[left - 1] = textWidth(last) < textColumns ? `${last}…` : truncateWords(last, textColumns);
        shown.unshift({ line, rows: kept });
      }
      break;
    }
    shown.unshift({ line, rows: wrapped });
    left -= wrapped.length;
  }
  return shown;
}

/** The last events of an event buffer that fit `rows` rows, in a fixed height of `rows + 1`. */
export function EventLog({ lines, rows, width, title = 'events' }: { lines: ReadableStore<readonly LogLine[]>; rows: number; width: number; title?: string }) {
  const color = useColor();
  const all = useRoleState(lines);
  const shown = newestThatFit(all, rows, Math.max(1, width - PREFIX));
  return (
    <Box width={width} height={eventLogHeight(rows)} flexDirection="column" flexShrink={0} overflow="hidden">
      <Text color={color('gray')} wrap="truncate-end">
        {'── '}
        <Text bold color={color('white')}>{title}</Text> {'─'.repeat(Math.max(0, width - title.length - 4))}
      </Text>
      {shown.length === 0 ? <Text dimColor>(nothing yet)</Text> : null}
      {shown.flatMap(({ line, rows: parts }) => {
        const tone = TONE[line.tone];
        return parts.map((part, i) => (
          <Text key={`${line.id}-${i}`} wrap="truncate-end">
            {i === 0 ? <Text dimColor>{fmtClock(line.at)} </Text> : ' '.repeat(PREFIX)}
            <Text color={color(tone.color)}>
              {i === 0 ? `${tone.mark} ` : ''}
              {part}
            </Text>
          </Text>
        ));
      })}
    </Box>
  );
}
