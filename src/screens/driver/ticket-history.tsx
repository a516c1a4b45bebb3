import { Box, Text } from 'ink';
import type { Ticket } from '../../protocol/index.js';
import { fmtClock, fmtEur, fmtKwh, pad } from '../shared/format.js';

/** This run's tickets, newest first, one line each. */
export function TicketHistory({ tickets, width, height }: { tickets: readonly Ticket[]; width: number; height: number }) {
  const rows = Math.max(0, height - 1);
  const shown = [...tickets].reverse().slice(0, rows);
  const idWidth = Math.max(5, ...shown.map((t) => t.cpId.length));
  const total = tickets.reduce((sum, t) => sum + t.totalEur, 0);
  // time, id, kWh, €, reason: the time gives way first, so the reason is never cut
  const widest = Math.max(0, ...shown.map((t) => `${pad(t.cpId, idWidth)} ${fmtKwh(t.kwh)} ${fmtEur(t.totalEur)} ${t.reason}`.length));
  const withTime = widest + fmtClock(0).length + 1 <= width;
  return (
    <Box width={width} height={height} flexDirection="column" flexShrink={0} overflow="hidden">
      <Text bold wrap="truncate-end">
        tickets this run <Text dimColor>({tickets.length}, {fmtEur(total)})</Text>
      </Text>
      {shown.map((t) => (
        <Text key={t.sessionId} wrap="truncate-end">
          {withTime ? `${fmtClock(t.endedAt)} ` : ''}
          {pad(t.cpId, idWidth)} {fmtKwh(t.kwh)} <Text bold>{fmtEur(t.totalEur)}</Text> <Text dimColor>{t.reason}</Text>
        </Text>
      ))}
    </Box>
  );
}
