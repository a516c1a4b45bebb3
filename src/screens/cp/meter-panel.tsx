import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { ChargePointSnapshot } from '../../roles/cp/index.js';
import { BigText } from '../shared/big-text.js';
import { fmtElapsed, fmtEur, fmtKw, fmtKwh, fmtPrice } from '../shared/format.js';
import { Gauge } from '../shared/gauge.js';
import { useColor } from '../shared/screen-context.js';
import { styleOf } from '../shared/state-style.js';

function Registration({ snap }: { snap: ChargePointSnapshot }) {
  const color = useColor();
  switch (snap.registration) {
    case 'registering':
      return (
        <Text color={color('yellow')}>
          <Spinner type="dots" /> registering with central…
        </Text>
      );
    case 'registered':
      return <Text color={color('green')}>✓ registered with central</Text>;
    case 'refused':
      return <Text color={color('red')}>✖ registration refused{snap.refusedReason ? `: ${snap.refusedReason}` : ''}</Text>;
  }
}

/** The meter: state in large type, registration, price and max kW, the supply or the last one. */
export function MeterPanel({ snap, now, width, height }: { snap: ChargePointSnapshot; now: number; width: number; height: number }) {
  const color = useColor();
  const style = styleOf(snap.state);
  const inner = Math.max(10, width - 4);
  const s = snap.supply;
  const last = snap.lastSupply;
  return (
    <Box width={width} height={height} flexDirection="column" borderStyle="round" borderColor={color(style.color)} paddingX={1} flexShrink={0} overflow="hidden">
      <BigText word={snap.state.replace(/_/g, ' ')} width={inner} color={color(style.color)} />
      <Text bold color={color(style.color)} wrap="truncate-end">
        {style.glyph} {style.word}
        {snap.faulted && snap.state !== 'FAULTED' ? ' (faulted)' : ''}
        {snap.outOfService && snap.state !== 'OUT_OF_SERVICE' ? ' (out of service)' : ''}
      </Text>
      <Registration snap={snap} />
      <Text wrap="truncate-end">
        {snap.location} · {fmtPrice(snap.pricePerKwh)} · max {fmtKw(snap.maxKw)}
        {snap.speed !== 1 ? ` · speed ×${snap.speed}` : ''}
      </Text>
      <Text> </Text>
      {s ? (
        <>
          <Text wrap="truncate-end">
            supplying <Text bold>{s.driverId}</Text> <Text dimColor>session {s.sessionId.slice(0, 8)}</Text>
          </Text>
          <Text wrap="truncate-end">
            power <Gauge value={s.kw} max={snap.maxKw} width={inner - 6} label={`${fmtKw(s.kw)} / ${fmtKw(snap.maxKw)}`} />
          </Text>
          <Text wrap="truncate-end">
            energy <Text bold>{fmtKwh(s.kwh)}</Text> · cost <Text bold>{fmtEur(s.eur)}</Text> · elapsed {fmtElapsed(now - s.startedAt)}
          </Text>
        </>
      ) : last ? (
        <Text wrap="truncate-end" dimColor>
          last supply: {last.driverId} {fmtKwh(last.kwh)} · {fmtEur(last.eur)} · {fmtElapsed(last.endedAt - last.startedAt)} ({last.reason})
        </Text>
      ) : (
        <Text dimColor>no vehicle plugged in</Text>
      )}
    </Box>
  );
}
