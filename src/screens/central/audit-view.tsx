import { Box, Text } from 'ink';
import type { AuditSnapshot, AuditView as AuditEntry } from '../../roles/central/index.js';
import { fmtClock, pad } from '../shared/format.js';
import { useColor } from '../shared/screen-context.js';

/** The heading and the status line under it. */
export const AUDIT_CHROME_ROWS = 3;

/** Entries one page of the view shows in `height` rows. */
export const auditPageSize = (height: number): number => Math.max(1, height - AUDIT_CHROME_ROWS);

/** How far the view can scroll: the first entry of the last page. */
export const auditScrollMax = (entries: number, height: number): number => Math.max(0, entries - auditPageSize(height));

type Column = 'when' | 'by' | 'principal' | 'action' | 'target' | 'result';

/** Wide terminals show every column; narrow ones drop the principal and say `stop` for `operator-stop`. */
function columnsFor(width: number): { widths: Partial<Record<Column, number>>; action: (a: string) => string } {
  if (width >= 100) return { widths: { when: 8, by: 16, principal: 16, action: 19, target: 18, result: 7 }, action: (a) => a };
  return { widths: { when: 8, by: 11, action: 15, target: 14, result: 7 }, action: (a) => a.replace(/^operator-/, '') };
}

const RESULT_COLOR: Record<AuditEntry['result'], string> = { ok: 'green', refused: 'red', failed: 'red' };

/**
 * Central's audit view (`a`): the audit trail's most recent entries from every role, newest first,
 * one line each: when, who wrote it (and its Kafka principal), what, on what, the result, and what
 * it says. It shows central's store; it decides nothing.
 */
export function AuditView({ audit, scroll, width, height }: { audit: AuditSnapshot | null; scroll: number; width: number; height: number }) {
  const color = useColor();
  const { widths: w, action } = columnsFor(width);
  const heading = [...(Object.entries(w) as [Column, number][]).map(([name, n]) => pad(name, n)), 'detail'].join(' ');
  if (!audit) {
    return (
      <Box width={width} height={height} flexDirection="column" flexShrink={0}>
        <Text bold>audit trail</Text>
        <Text dimColor>this central does not read the audit trail (evcharge audit --follow reads it)</Text>
      </Box>
    );
  }
  const entries = audit.entries;
  const pageSize = auditPageSize(height);
  const first = Math.min(scroll, auditScrollMax(entries.length, height));
  const slice = entries.slice(first, first + pageSize);
  const range = entries.length === 0 ? 'no entries yet' : `${first + 1}–${first + slice.length} of ${entries.length}`;
  const kept = audit.read > entries.length ? ` (the last ${entries.length} of ${audit.read} read)` : '';
  const bad = audit.malformed > 0 ? ` · ${audit.malformed} unreadable record${audit.malformed === 1 ? '' : 's'}` : '';
  return (
    <Box width={width} height={height} flexDirection="column" flexShrink={0} overflow="hidden">
      <Text bold wrap="truncate-end">{heading}</Text>
      <Text dimColor wrap="truncate-end">{'─'.repeat(Math.max(0, width))}</Text>
      {slice.map((e, i) => (
        <Text key={`${first + i}-${e.at}-${e.by}`} wrap="truncate-end">
          {pad(fmtClock(e.at), w.when!)} {pad(e.by, w.by!)} {w.principal ? `${pad(e.principal ?? '-', w.principal)} ` : ''}
          {pad(action(e.action), w.action!)} {pad(e.target, w.target!)}{' '}
          <Text bold color={color(RESULT_COLOR[e.result])}>{pad(e.result, w.result!)}</Text> {e.detail}
        </Text>
      ))}
      {slice.length === 0 && <Text dimColor>nothing on the audit topic yet: operators' actions, registry changes and refusals appear here</Text>}
      <Text dimColor wrap="truncate-end">{`audit trail, newest first · ${range}${kept}${bad} · j/k ↑↓ scroll · PgUp/PgDn · a or Esc back`}</Text>
    </Box>
  );
}
