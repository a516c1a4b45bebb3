import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { useColor } from '../shared/screen-context.js';
import type { QueueItem, QueueStatus, RunProgress } from '../../roles/driver/index.js';
import { doneCount, runStatus } from './run-status.js';

const STATUS: Record<QueueStatus, { mark: string; word: string; color?: string }> = {
  waiting: { mark: '·', word: 'waiting' },
  requesting: { mark: '', word: 'in progress', color: 'yellow' },
  stopping: { mark: '', word: 'stopping', color: 'yellow' },
  completed: { mark: '✓', word: 'completed', color: 'green' },
  interrupted: { mark: '~', word: 'interrupted', color: '#FFA500' },
  denied: { mark: '✖', word: 'denied', color: 'red' },
  failed: { mark: '✖', word: 'failed', color: 'red' },
};

function Item({ item }: { item: QueueItem }) {
  const color = useColor();
  const s = STATUS[item.status];
  const busy = item.status === 'requesting' || item.status === 'stopping';
  return (
    <Text wrap="truncate-end">
      <Text color={color(s.color)}>
        {busy ? <Spinner type="dots" /> : s.mark} {s.word.padEnd(11)}
      </Text>{' '}
      <Text bold>{item.cpId}</Text> <Text dimColor>{item.text}</Text>
    </Text>
  );
}

/**
 * The `--cp` / `--file` queue: each service's status and result, the pause, the summary. With
 * fewer rows than services the rows follow the current one, the last one done above it unless the
 * current one has the only row.
 */
export function RunPanel({ progress, now, width, height }: { progress: RunProgress; now: number; width: number; height: number }) {
  const color = useColor();
  const done = doneCount(progress);
  const status = runStatus(progress, now);
  // The status row stays while a service goes on, so the panels below do not move at each pause.
  const rows = Math.max(1, height - 2);
  const current = progress.items.findIndex((i) => i.status === 'requesting' || i.status === 'stopping' || i.status === 'waiting');
  const before = rows >= 2 ? 1 : 0;
  const first = Math.max(0, Math.min(progress.items.length - rows, (current < 0 ? progress.items.length : current) - before));
  return (
    <Box width={width} height={height} flexDirection="column" flexShrink={0} overflow="hidden">
      <Text bold wrap="truncate-end">
        {progress.kind === 'file' ? 'services file' : 'single service'}{' '}
        <Text dimColor>
          ({done}/{progress.items.length} done)
        </Text>
      </Text>
      {progress.items.slice(first, first + rows).map((item, i) => (
        <Item key={`${first + i}-${item.cpId}`} item={item} />
      ))}
      <Text color={color(progress.phase === 'done' ? 'cyan' : 'yellow')} wrap="truncate-end">
        {status ?? ''}
      </Text>
    </Box>
  );
}
