import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { ChargePointSnapshot } from '../../roles/cp/index.js';
import { BigText } from '../shared/big-text.js';
import { fmtKw } from '../shared/format.js';
import { Gauge } from '../shared/gauge.js';
import { useColor } from '../shared/screen-context.js';
import { Segments } from '../shared/segments.js';
import { styleOf } from '../shared/state-style.js';
import { energyLine, lastSupplyLine, placeLine, supplyingLine } from './meter-lines.js';

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
      <Segments line={placeLine(snap, inner)} />
      <Text> </Text>
      {s ? (
        <>
          <Segments line={supplyingLine(s, inner)} />
          <Text wrap="truncate-end">
            power <Gauge value={s.kw} max={snap.maxKw} width={inner - 6} label={`${fmtKw(s.kw)} / ${fmtKw(snap.maxKw)}`} />
          </Text>
          <Segments line={energyLine(s, now, inner)} />
        </>
      ) : last ? (
        <Segments line={lastSupplyLine(last, inner)} dimColor />
      ) : (
        <Text dimColor>no vehicle plugged in</Text>
      )}
    </Box>
  );
}
