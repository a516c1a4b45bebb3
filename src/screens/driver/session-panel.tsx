import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { DriverSnapshot } from '../../roles/driver/index.js';
import { fmtElapsed, fmtEur, fmtKw, fmtKwh, fmtPrice } from '../shared/format.js';
import { Gauge } from '../shared/gauge.js';
import { useColor } from '../shared/screen-context.js';

/** Border and four lines: a supply's, the most any state has. */
export const SESSION_HEIGHT = 6;

/**
 * The session: the supply's gauges, the spinner while waiting, the denial's reason, or `idle`
 * (the prompt, or why Enter cannot request now).
 */
export function SessionPanel({ snap, now, width, idle }: { snap: DriverSnapshot; now: number; width: number; idle: string }) {
  const color = useColor();
  const inner = Math.max(10, width - 4);
  const { supply, pending, lastAnswer } = snap;
  let body;
  if (supply) {
    const cp = snap.cps.find((c) => c.id === supply.cpId);
    const max = cp?.maxKw ?? Math.max(supply.kw, 1);
    body = (
      <>
        <Text bold color={color('green')} wrap="truncate-end">
          ↯ charging at {supply.cpId}
          {supply.pricePerKwh !== null ? ` · ${fmtPrice(supply.pricePerKwh)}` : ''}
        </Text>
        <Text wrap="truncate-end">
          power <Gauge value={supply.kw} max={max} width={inner - 6} label={`${fmtKw(supply.kw)} / ${fmtKw(max)}`} />
        </Text>
        <Text wrap="truncate-end">
          energy <Text bold>{fmtKwh(supply.kwh)}</Text> · so far <Text bold>{fmtEur(supply.eur)}</Text>
          {supply.startedAt !== null ? ` · elapsed ${fmtElapsed(now - supply.startedAt)}` : ' · starting…'}
        </Text>
        {supply.stopping ? (
          <Text color={color('yellow')}>
            <Spinner type="dots" /> stopping; the ticket follows…
          </Text>
        ) : (
          <Text dimColor>x stops the supply</Text>
        )}
      </>
    );
  } else if (pending) {
    body = (
      <Text color={color('yellow')} wrap="truncate-end">
        <Spinner type="dots" /> waiting for central&apos;s answer about {pending.cpId}… ({Math.max(0, Math.floor((now - pending.sentAt) / 1000))} s)
      </Text>
    );
  } else if (lastAnswer && !lastAnswer.granted) {
    body = (
      <>
        <Text bold color={color('red')} wrap="truncate-end">
          ✖ denied at {lastAnswer.cpId}
        </Text>
        <Text wrap="wrap">
          {lastAnswer.reason} ({lastAnswer.code})
        </Text>
      </>
    );
  } else if (lastAnswer?.granted && !snap.tickets.some((t) => t.sessionId === lastAnswer.sessionId)) {
    body = (
      <Text color={color('green')} wrap="truncate-end">
        ✓ granted at {lastAnswer.cpId}; waiting for the supply to start…
      </Text>
    );
  } else {
    body = (
      <Text dimColor wrap="wrap">
        {idle}
      </Text>
    );
  }
  return (
    <Box width={width} height={SESSION_HEIGHT} flexDirection="column" borderStyle="round" borderColor={color(supply ? 'green' : 'gray')} paddingX={1} flexShrink={0} overflow="hidden">
      {body}
    </Box>
  );
}
