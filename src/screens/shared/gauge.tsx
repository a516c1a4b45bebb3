import { Text } from 'ink';
import { useColor } from './screen-context.js';

/** `[██████░░░░] 11.0 kW`: bar and label together `width` columns wide. */
export function Gauge({ value, max, width, label, color = 'green' }: { value: number; max: number; width: number; label: string; color?: string }) {
  const c = useColor();
  const cells = Math.max(3, width - label.length - 3);
  const ratio = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  const full = Math.round(ratio * cells);
  return (
    <Text wrap="truncate-end">
      [<Text color={c(color)}>{'█'.repeat(full)}</Text>
      {'░'.repeat(cells - full)}] {label}
    </Text>
  );
}
