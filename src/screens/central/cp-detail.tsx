import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import type { CpView } from '../../roles/central/index.js';
import { keepByRank } from '../shared/fit.js';
import { fmtElapsed, fmtEur, fmtKw, fmtKwh, fmtPrice } from '../shared/format.js';
import { Gauge } from '../shared/gauge.js';
import { useColor } from '../shared/screen-context.js';
import { sparkline } from '../shared/sparkline.js';
import { CP_STATE_STYLE } from '../shared/state-style.js';

export interface CpDetailProps {
  cp: CpView | null;
  /** The selected CP's kW over the last 60 s, oldest first. */
  power: readonly number[];
  now: number;
  width: number;
  height: number;
}

/**
 * Which lines a short panel keeps (lowest first): what the CP is and does, its power now and over
 * the last minute, then the supply's figures, then price and history.
 */
const RANK: Record<string, number> = { title: 0, state: 0, power: 1, spark: 1, energy: 2, idle: 2, 'spark-label': 2, elapsed: 3, price: 4, totals: 5, hb: 5 };

/** The selected CP: state, gauges for power, kWh, € and elapsed time, a 60 s power sparkline. */
export function CpDetail({ cp, power, now, width, height }: CpDetailProps) {
  const color = useColor();
  const inner = Math.max(10, width - 4);
  const lines: ReactElement[] = [];
  if (!cp) {
    lines.push(<Text key="none" dimColor>no charge point selected</Text>);
  } else {
    const style = CP_STATE_STYLE[cp.state];
    const s = cp.supply;
    lines.push(
      <Text key="title" bold wrap="truncate-end">
        {cp.id} <Text dimColor>{cp.location}</Text>
      </Text>,
      <Text key="state" wrap="truncate-end">
        <Text bold color={color(style.color)}>
          {style.glyph} {style.word}
        </Text>
        {s ? ` · ${s.driverId}${s.ending ? ` (ending: ${s.ending})` : s.confirmed ? '' : ' (starting)'}` : ''}
        {cp.keysResetAt !== undefined ? ` · keys reset ${fmtElapsed(now - cp.keysResetAt)} ago, waiting for it to authenticate` : ''}
      </Text>,
      <Text key="price" wrap="truncate-end">
        {fmtPrice(cp.pricePerKwh)} · max {fmtKw(cp.maxKw)}
      </Text>,
    );
    const kw = s?.kw ?? 0;
    const barWidth = inner - 6;
    lines.push(
      <Text key="power" wrap="truncate-end">
        power <Gauge value={kw} max={cp.maxKw} width={barWidth} label={fmtKw(kw)} />
      </Text>,
    );
    if (s) {
      lines.push(
        <Text key="energy" wrap="truncate-end">
          energy {fmtKwh(s.kwh)} · {fmtEur(s.eur)}
        </Text>,
        <Text key="elapsed" wrap="truncate-end">
          elapsed {fmtElapsed(now - s.startedAt)}
        </Text>,
      );
    } else {
      lines.push(<Text key="idle" dimColor>no supply in progress</Text>);
    }
    const peak = Math.max(cp.maxKw, ...power);
    lines.push(
      <Text key="spark-label" dimColor>
        last 60 s (peak {fmtKw(Math.max(0, ...power))})
      </Text>,
      <Text key="spark" color={color('green')} wrap="truncate-end">
        {sparkline(power, inner, peak)}
      </Text>,
      <Text key="totals" wrap="truncate-end" dimColor>
        {cp.totals.sessions} sessions · {fmtKwh(cp.totals.kwh)} · {fmtEur(cp.totals.eur)}
      </Text>,
      <Text key="hb" wrap="truncate-end" dimColor>
        {cp.connected ? 'connected (heartbeating)' : 'not connected'}
      </Text>,
    );
  }
  const kept = keepByRank(
    lines.map((node) => ({ node, rank: RANK[String(node.key)] ?? 0 })),
    Math.max(1, height - 2),
  );
  return (
    <Box width={width} height={height} flexDirection="column" borderStyle="round" borderColor={color('cyan')} paddingX={1} flexShrink={0} overflow="hidden">
      {kept.map((l) => l.node)}
    </Box>
  );
}
