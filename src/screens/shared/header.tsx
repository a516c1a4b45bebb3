import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { BusStatus } from '../../bus/bus.js';
import { textWidth } from './fit.js';
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

/** Columns of the bus label worth giving up the title and the long rates for. */
const BUS_COLUMNS = 24;

/**
 * One line: title and who, the bus connection (spinner while connecting or retrying), message rates.
 * Where that is too wide, the title goes first (who says which screen this is), then the rates
 * shorten; the bus label is what gets cut after that.
 */
export function Header({ title, who, bus, rates, width, badge }: HeaderProps) {
  const color = useColor();
  const now = useNow(1000);
  const busy = bus.state === 'connecting' || bus.state === 'retrying';
  const busColor = bus.state === 'connected' ? 'green' : bus.state === 'closed' ? 'gray' : 'yellow';
  const bad = rates.malformed ? ` bad ${rates.malformed}` : '';
  const longRate = `in ${rates.inPerSec.toFixed(1)}/s out ${rates.outPerSec.toFixed(1)}/s${bad}`;
  const shortRate = `↓${rates.inPerSec.toFixed(1)} ↑${rates.outPerSec.toFixed(1)}/s${bad}`;
  const label = busLabel(bus, now);
  const whoText = `${who}${badge ? ` · ${badge.text}` : ''}`;
  // The bus label may be a long error, cut anyway: it only asks for its first columns here.
  const busNeed = 2 + 2 + Math.min(textWidth(label), BUS_COLUMNS);
  const need = (withTitle: boolean, rate: string) => (withTitle ? textWidth(title) + 3 : 0) + textWidth(whoText) + busNeed + textWidth(rate);
  const showTitle = need(true, longRate) <= width;
  const rate = showTitle || need(false, longRate) <= width ? longRate : shortRate;
  return (
    <Box width={width} height={1} flexShrink={0} justifyContent="space-between" overflow="hidden">
      <Box flexShrink={0}>
        {showTitle ? <Text bold color={color('cyan')}>{title}</Text> : null}
        <Text bold={!showTitle} color={color(showTitle ? undefined : 'cyan')}>
          {showTitle ? ' · ' : ''}
          {who}
        </Text>
        {badge ? <Text bold color={color(badge.tone === 'warn' ? 'yellow' : 'green')}> · {badge.text}</Text> : null}
      </Box>
      <Box flexShrink={1} marginX={1} overflow="hidden">
        <Text color={color(busColor)} wrap="truncate-end">
          {busy ? <Spinner type="dots" /> : bus.state === 'connected' ? '●' : '○'} {label}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text>{rate}</Text>
      </Box>
    </Box>
  );
}
