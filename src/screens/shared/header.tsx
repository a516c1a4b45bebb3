import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { BusStatus } from '../../bus/bus.js';
import type { Rates } from './use-rates.js';
import { useColor } from './screen-context.js';
import { useNow } from './use-now.js';

export interface HeaderProps {
  title: string;
  /** Who this is: `central`, `cp CP001`, `driver DRIVER001`. */
  who: string;
  bus: BusStatus;
  rates: Rates;
  width: number;
  /** A role this process holds, shown after `who` (central: `STANDBY · active: …`). */
  badge?: { text: string; tone: 'warn' | 'ok' } | undefined;
}

/** The seconds of silence, counted live from when the cluster last answered. */
function silence(bus: BusStatus, now: number): string | null {
  if (bus.state !== 'retrying' || bus.lastHeardAt === undefined) return null;
  return `no answer from the cluster for ${Math.max(0, Math.round((now - bus.lastHeardAt) / 1000))} s`;
}

function busLabel(bus: BusStatus, now: number): string {
  const where = bus.brokers.join(',') || '?';
  switch (bus.state) {
    case 'connecting':
      return `connecting ${where}`;
    case 'connected':
      return where === 'embedded' ? 'embedded bus' : `connected ${where}`;
    case 'retrying': {
      const quiet = silence(bus, now);
      // The detail written when retrying began may itself be a count of seconds: the live one replaces it.
      const detail = bus.detail && !/^no answer from the cluster/.test(bus.detail) ? bus.detail : null;
      const parts = [quiet, detail].filter(Boolean);
      return `retrying ${where}${parts.length ? `: ${parts.join(' · ')}` : ''}`;
    }
    case 'closed':
      return 'bus closed';
  }
}

/** One line: title and who, the bus connection (spinner while connecting or retrying), message rates. */
export function Header({ title, who, bus, rates, width, badge }: HeaderProps) {
  const color = useColor();
  const now = useNow(1000);
  const busy = bus.state === 'connecting' || bus.state === 'retrying';
  const busColor = bus.state === 'connected' ? 'green' : bus.state === 'closed' ? 'gray' : 'yellow';
  const rate = `in ${rates.inPerSec.toFixed(1)}/s out ${rates.outPerSec.toFixed(1)}/s` + (rates.malformed ? ` bad ${rates.malformed}` : '');
  return (
    <Box width={width} height={1} flexShrink={0} justifyContent="space-between" overflow="hidden">
      <Box flexShrink={0}>
        <Text bold color={color('cyan')}>{title}</Text>
        <Text> · {who}</Text>
        {badge ? <Text bold color={color(badge.tone === 'warn' ? 'yellow' : 'green')}> · {badge.text}</Text> : null}
      </Box>
      <Box flexShrink={1} marginX={1} overflow="hidden">
        <Text color={color(busColor)} wrap="truncate-end">
          {busy ? <Spinner type="dots" /> : bus.state === 'connected' ? '●' : '○'} {busLabel(bus, now)}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text>{rate}</Text>
      </Box>
    </Box>
  );
}
