import { Box, Text } from 'ink';
import { firstFit, textWidth } from './fit.js';
import { fitHints, hintsWidth, type Hint } from './footer-fit.js';
import { ESSENTIAL_KEYS, type KeyHelp } from './keys.js';
import { useColor } from './screen-context.js';
import { truncateWords } from './format.js';

export interface FooterMessage {
  text: string;
  /** Said in fewer words, for a footer too narrow for `text`. */
  short?: string;
  tone?: 'ok' | 'error' | 'prompt';
}

export interface FooterProps {
  keys: readonly KeyHelp[];
  width: number;
  /**
   * A prompt or the result of the last action, in place of the hints. A result keeps `? help` and
   * `q quit` beside it; a prompt does not, as it reads the next key itself (q would not quit).
   */
  message?: FooterMessage | null;
}

function Hints({ hints }: { hints: readonly Hint[] }) {
  const color = useColor();
  return (
    <>
      {hints.map((h, i) => (
        <Text key={h.keys}>
          {i > 0 ? '  ' : ''}
          <Text bold color={color('cyan')}>{h.keys}</Text> {h.label}
        </Text>
      ))}
    </>
  );
}

/** One line: key hints, or a message in their place. */
export function Footer({ keys, width, message }: FooterProps) {
  const color = useColor();
  if (message) {
    const tone = message.tone === 'error' ? 'red' : message.tone === 'prompt' ? 'yellow' : 'green';
    const mark = message.tone === 'error' ? '✖ ' : message.tone === 'prompt' ? '? ' : '✓ ';
    const essential = message.tone === 'prompt' ? [] : fitHints(keys.filter((k) => ESSENTIAL_KEYS.has(k.keys)), width);
    const room = essential.length ? width - hintsWidth(essential) - 2 : width;
    const text = firstFit([message.text, message.short ?? message.text], room - mark.length, textWidth);
    return (
      <Box width={width} height={1} flexShrink={0} overflow="hidden" justifyContent="space-between">
        <Text color={color(tone)} bold={message.tone === 'prompt'} wrap="truncate-end">
          {mark}
          {truncateWords(text, room - mark.length)}
        </Text>
        {essential.length ? (
          <Box flexShrink={0} marginLeft={2}>
            <Text>
              <Hints hints={essential} />
            </Text>
          </Box>
        ) : null}
      </Box>
    );
  }
  return (
    <Box width={width} height={1} flexShrink={0} overflow="hidden">
      <Text wrap="truncate-end">
        <Hints hints={fitHints(keys, width)} />
      </Text>
    </Box>
  );
}
