import { Box, Text } from 'ink';

/** A three-row block font for the words the meter shows. */
const FONT: Record<string, [string, string, string]> = {
  A: ['▄▀▄', '█▀█', '▀ ▀'],
  B: ['█▀▄', '█▀▄', '▀▀ '],
  C: ['█▀▀', '█  ', '▀▀▀'],
  D: ['█▀▄', '█ █', '▀▀ '],
  E: ['█▀▀', '█▀▀', '▀▀▀'],
  F: ['█▀▀', '█▀ ', '▀  '],
  G: ['█▀▀▀', '█ ▀█', '▀▀▀▀'],
  H: ['█ █', '█▀█', '▀ ▀'],
  I: ['▀█▀', ' █ ', '▀▀▀'],
  L: ['█  ', '█  ', '▀▀▀'],
  N: ['█▄ █', '█ ▀█', '▀  ▀'],
  O: ['█▀█', '█ █', '▀▀▀'],
  R: ['█▀▄', '█▀▄', '▀ ▀'],
  S: ['█▀▀', '▀▀█', '▀▀▀'],
  T: ['▀█▀', ' █ ', ' ▀ '],
  U: ['█ █', '█ █', '▀▀▀'],
  V: ['█ █', '█ █', ' ▀ '],
  ' ': ['  ', '  ', '  '],
};

/** The three rows of `word` in the block font, or null if a letter is missing. */
export function bigRows(word: string): [string, string, string] | null {
  const rows: [string, string, string] = ['', '', ''];
  for (const ch of word.toUpperCase().replace(/_/g, ' ')) {
    const glyph = FONT[ch];
    if (!glyph) return null;
    for (let i = 0; i < 3; i++) rows[i] += (rows[i] ? ' ' : '') + glyph[i];
  }
  return rows;
}

/** `word` in large type when it fits in `width`, else in bold; three rows either way. */
export function BigText({ word, width, color }: { word: string; width: number; color?: string }) {
  const rows = bigRows(word);
  if (!rows || rows[0].length > width) {
    return (
      <Box height={3} flexDirection="column" justifyContent="center">
        <Text bold color={color}>
          {word}
        </Text>
      </Box>
    );
  }
  return (
    <Box height={3} flexDirection="column">
      {rows.map((row, i) => (
        <Text key={i} color={color}>
          {row}
        </Text>
      ))}
    </Box>
  );
}
