import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { TICKET_REASON_TEXT, type Ticket } from '../../protocol/index.js';
import { keepByRank } from '../shared/fit.js';
import { fmtClock, fmtElapsed, fmtEur, fmtKwh, fmtPrice } from '../shared/format.js';
import { useColor } from '../shared/screen-context.js';

/** The receipt with every line and its border. */
export const RECEIPT_HEIGHT = 10;

/** Which lines a short receipt keeps (lowest first): what it cost, whose it is, for what, why it ended. */
const RANK: Record<string, number> = { TOTAL: 0, title: 1, energy: 2, reason: 3, price: 4, ended: 5, started: 6, session: 7, none: 0, when: 1 };

/** The last ticket, laid out as a receipt; `height` rows (RECEIPT_HEIGHT for every line). */
export function Receipt({ ticket, width, height = RECEIPT_HEIGHT }: { ticket: Ticket | null; width: number; height?: number }) {
  const color = useColor();
  const row = (label: string, value: string, bold = false) => (
    <Box key={label} justifyContent="space-between">
      <Text>{label}</Text>
      <Text bold={bold}>{value}</Text>
    </Box>
  );
  const lines: ReactElement[] = ticket
    ? [
        <Text key="title" bold wrap="truncate-end">
          RECEIPT · {ticket.cpId} · {ticket.driverId}
        </Text>,
        row('started', fmtClock(ticket.startedAt)),
        row('ended', `${fmtClock(ticket.endedAt)} (${fmtElapsed(ticket.endedAt - ticket.startedAt)})`),
        row('energy', fmtKwh(ticket.kwh)),
        row('price', fmtPrice(ticket.pricePerKwh)),
        row('TOTAL', fmtEur(ticket.totalEur), true),
        <Text key="reason" wrap="truncate-end" dimColor>
          {TICKET_REASON_TEXT[ticket.reason] ?? ticket.reason}
        </Text>,
        <Text key="session" dimColor wrap="truncate-end">
          session {ticket.sessionId.slice(0, 8)}
        </Text>,
      ]
    : // Two lines of their own: wrapped as one, the phrase broke wherever the border fell.
      [
        <Text key="none" dimColor wrap="truncate-end">
          no ticket yet
        </Text>,
        <Text key="when" dimColor wrap="truncate-end">
          it appears here when a supply ends
        </Text>,
      ];
  const kept = keepByRank(
    lines.map((node) => ({ node, rank: RANK[String(node.key)] ?? 0 })),
    Math.max(1, height - 2),
  );
  return (
    <Box width={width} height={height} flexDirection="column" borderStyle="double" borderColor={color('cyan')} paddingX={1} flexShrink={0} overflow="hidden">
      {kept.map((l) => l.node)}
    </Box>
  );
}
