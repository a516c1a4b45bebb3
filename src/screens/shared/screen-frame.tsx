import { Box } from 'ink';
import type { ReactNode } from 'react';
import { Footer, type FooterProps } from './footer.js';
import { Header, type HeaderProps } from './header.js';
import { HelpOverlay } from './help-overlay.js';
import type { KeyHelp } from './keys.js';
import { TooSmall } from './too-small.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';

export interface BodySize {
  width: number;
  height: number;
}

export interface ScreenFrameProps {
  min: TerminalSize;
  header: Omit<HeaderProps, 'width'>;
  keys: readonly KeyHelp[];
  message?: FooterProps['message'];
  helpOpen: boolean;
  children: (body: BodySize) => ReactNode;
}

/**
 * The root of every screen: `rows - 1` tall (Ink clears the whole screen on each frame once the
 * output is as tall as the terminal), header, body, footer; the help overlay in place of the body;
 * the too-small message in place of everything.
 */
export function ScreenFrame({ min, header, keys, message, helpOpen, children }: ScreenFrameProps) {
  const size = useTerminalSize();
  if (size.columns < min.columns || size.rows < min.rows) return <TooSmall size={size} min={min} />;
  const width = size.columns;
  const height = size.rows - 1;
  const body = { width, height: height - 2 };
  return (
    <Box width={width} height={height} flexDirection="column" overflow="hidden">
      <Header {...header} width={width} />
      <Box width={body.width} height={body.height} flexDirection="column" overflow="hidden">
        {helpOpen ? <HelpOverlay title={`${header.title} · ${header.who}`} keys={keys} width={body.width} height={body.height} /> : children(body)}
      </Box>
      <Footer keys={keys} width={width} message={message} />
    </Box>
  );
}

/** Whether the frame is showing the panels (so keys other than q may act). */
export function fits(size: TerminalSize, min: TerminalSize): boolean {
  return size.columns >= min.columns && size.rows >= min.rows;
}
