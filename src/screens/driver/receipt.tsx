import { Box, Text } from 'ink';
import { TICKET_REASON_TEXT, type Ticket } from '../../protocol/index.js';
import { fmtClock, fmtElapsed, fmtEur, fmtKwh, fmtPrice } from '../shared/format.js';
import { useColor } from '../shared/screen-context.js';

export const RECEIPT_HEIGHT = 10;

/** The last ticket, laid out as a receipt. */
export function Receipt({ ticket, width }: { ticket: Ticket | null; width: number }) {
  const color = useColor();
  const row = (label: string, value: string, bold = false) => (
    <Box key={label} justifyContent="space-between">
      <Text>{label}</Text>
      <Text bold={bold}>{value}</Text>
    </Box>
  );
  return (
    <Box width={width} height={RECEIPT_HEIGHT} flexDirection="column" borderStyle="double" borderColor={color('cyan')} paddingX={1} flexShrink={0} overflow="hidden">
      {ticket ? (
        <>
          <Text bold wrap="truncate-end">
            RECEIPT · {ticket.cpId} · {ticket.driverId}
          </Text>
          {row('started', fmtClock(ticket.startedAt))}
          {row('ended', `${fmtClock(ticket.endedAt)} (${fmtElapsed(ticket.endedAt - ticket.startedAt)})`)}
          {row('energy', fmtKwh(ticket.kwh))}
          {row('price', fmtPrice(ticket.pricePerKwh))}
          {row('TOTAL', fmtEur(ticket.totalEur), true)}
          <Text wrap="truncate-end" dimColor>
            {TICKET_REASON_TEXT[ticket.reason] ?? ticket.reason}
          </Text>
          <Text dimColor wrap="truncate-end">
            session {ticket.sessionId.slice(0, 8)}
          </Text>
        </>
      ) : (
        // Two lines of their own: wrapped as one, the phrase broke wherever the border fell.
        <>
          <Text dimColor wrap="truncate-end">
            no ticket yet
          </Text>
          <Text dimColor wrap="truncate-end">
            it appears here when a supply ends
          </Text>
        </>
      )}
    </Box>
  );
}
