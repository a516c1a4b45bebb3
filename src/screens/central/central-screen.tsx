import { Box } from 'ink';
import { activeSummary, type CentralSnapshot } from '../../roles/central/index.js';
import { useMemo } from 'react';
import { EventLog } from '../shared/event-log.js';
import { ScreenFrame } from '../shared/screen-frame.js';
import { useEventBuffer } from '../shared/use-event-buffer.js';
import { useNotice } from '../shared/use-notice.js';
import { useNow } from '../shared/use-now.js';
import { useQuit } from '../shared/quit.js';
import { useRates } from '../shared/use-rates.js';
import { useRoleState } from '../shared/use-role-state.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import { centralTone } from './central-events.js';
import { AUDIT_VIEW_KEYS, CENTRAL_KEYS } from './central-keys.js';
import { AuditView, auditPageSize, auditScrollMax } from './audit-view.js';
import { auditLayout, CENTRAL_MIN, centralLayout } from './central-layout.js';
import type { CentralRole } from './central-role.js';
import { CpDetail } from './cp-detail.js';
import { CpGrid } from './cp-grid.js';
import { CpTableView } from './cp-table-view.js';
import { filterCps } from './filter.js';
import { gridShape, tableShape } from './grid-layout.js';
import { sortCps } from './table-sort.js';
import { TotalsBar } from './totals-bar.js';
import { totalsLines } from './totals-lines.js';
import { useCentralKeys } from './use-central-keys.js';
import { useCentralState, type Confirm } from './use-central-state.js';
import { usePowerHistory } from './use-power-history.js';

export interface CentralScreenProps {
  central: CentralRole;
  title?: string;
}

function confirmText(confirm: Confirm): { text: string; short: string } {
  switch (confirm.kind) {
    case 'stop-all':
      return { text: 'Stop ALL charge points (ends every supply)? y to confirm, any other key cancels', short: 'Stop ALL charge points? y confirms, other keys cancel' };
    case 'resume-all':
      return { text: 'Resume ALL charge points? y to confirm, any other key cancels', short: 'Resume ALL charge points? y confirms, other keys cancel' };
    case 'forget':
      return { text: `${confirm.question} y to confirm, any other key cancels`, short: `Forget ${confirm.cpId} for good? y confirms, other keys cancel` };
    case 'reset-keys':
      return {
        text: `Reset ${confirm.cpId}'s keys? Its supply ends with a ticket and it is OUT OF SERVICE until it authenticates again. y to confirm, any other key cancels`,
        short: `Reset ${confirm.cpId}'s keys? y confirms, other keys cancel`,
      };
  }
}

/** Who leads: a standby says so loudly and names the active central. */
function leaderBadge(snap: CentralSnapshot): { text: string; tone: 'warn' | 'ok' } | undefined {
  if (snap.phase === 'standby') return { text: `STANDBY · ${activeSummary(snap.leadership.active)}`, tone: 'warn' };
  if (snap.phase === 'taking-over') return { text: 'TAKING OVER', tone: 'warn' };
  return undefined;
}

/** The central monitor: totals, a grid of CP tiles, the selected CP's detail, an event log. */
export function CentralScreen({ central, title = 'evcharge central' }: CentralScreenProps) {
  const snap = useRoleState(central.store);
  const [ui, dispatch] = useCentralState();
  const log = useEventBuffer(central.onEvent, centralTone);
  const history = usePowerHistory(central.store);
  const now = useNow(1000);
  const rates = useRates(central.counters);
  const size = useTerminalSize();
  const { notice, setNotice, run } = useNotice();
  const quit = useQuit();

  const filtered = useMemo(() => filterCps(snap.cps, ui.filter), [snap.cps, ui.filter]);
  const visible = useMemo(() => (ui.view === 'table' ? sortCps(filtered, ui.sort) : filtered), [filtered, ui.view, ui.sort]);
  const ids = useMemo(() => visible.map((cp) => cp.id), [visible]);
  const found = ui.selectedId === null ? -1 : ids.indexOf(ui.selectedId);
  const selectedIndex = found >= 0 ? found : visible.length > 0 ? 0 : -1;
  const selected = selectedIndex >= 0 ? (visible[selectedIndex] ?? null) : null;
  const summary = totalsLines({ totals: snap.totals, phase: snap.phase, filter: ui.filter, editingFilter: ui.editingFilter, shown: visible.length, total: snap.cps.length }, size.columns);
  const layout = centralLayout(size.columns, size.rows, visible.length, summary.length, ui.view);
  const shape = ui.view === 'table' ? tableShape(layout.grid.height, visible.length) : gridShape(layout.grid.width, layout.grid.height - 1, visible.length);
  const panels = size.columns >= CENTRAL_MIN.columns && size.rows >= CENTRAL_MIN.rows;
  // The audit view takes the room of the CPs and their detail, and what the log can spare.
  const auditRoom = auditLayout(size.rows, summary.length);
  const auditHeight = auditRoom.height;
  const audit = { page: auditPageSize(auditHeight), max: auditScrollMax(snap.audit?.entries.length ?? 0, auditHeight) };

  useCentralKeys({
    central,
    ui,
    dispatch,
    ids,
    selectedIndex,
    shape,
    panels,
    audit,
    run,
    cancelled: () => setNotice({ text: 'cancelled', tone: 'error' }),
    refused: (text) => setNotice({ text, tone: 'error' }),
    quit,
  });

  const message = ui.confirm
    ? { ...confirmText(ui.confirm), tone: 'prompt' as const }
    : ui.editingFilter
      ? { text: `filter: ${ui.filter}▏ (Enter keeps it, Esc clears it)`, short: `filter: ${ui.filter}▏ (Enter/Esc)`, tone: 'prompt' as const }
      : notice;

  return (
    <ScreenFrame
      min={CENTRAL_MIN}
      header={{ title, who: 'central', bus: snap.bus, rates, badge: leaderBadge(snap) }}
      keys={ui.auditOpen && !ui.helpOpen ? AUDIT_VIEW_KEYS : CENTRAL_KEYS}
      message={message}
      helpOpen={ui.helpOpen}
    >
      {(body) => {
        const emptyText = snap.cps.length === 0 ? 'no charge points registered yet' : `no charge point matches “${ui.filter}”`;
        const grid =
          ui.view === 'table' && visible.length > 0 ? (
            <CpTableView cps={visible} selectedIndex={selectedIndex} sort={ui.sort} width={layout.grid.width} height={layout.grid.height} now={now} />
          ) : (
            <CpGrid cps={visible} selectedIndex={selectedIndex} width={layout.grid.width} height={layout.grid.height} emptyText={emptyText} />
          );
        const detail = (
          <CpDetail cp={selected} power={selected ? history.window(selected.id, now) : []} now={now} width={layout.detail.width} height={layout.detail.height} />
        );
        return (
          <Box flexDirection="column" width={body.width} height={body.height}>
            <TotalsBar lines={summary} width={body.width} />
            {ui.auditOpen ? (
              <AuditView audit={snap.audit} scroll={ui.auditScroll} width={body.width} height={auditHeight} />
            ) : (
              <Box flexDirection={layout.side ? 'row' : 'column'} flexShrink={0} overflow="hidden">
                {grid}
                {detail}
              </Box>
            )}
            <EventLog lines={log.store} rows={ui.auditOpen ? auditRoom.logRows : layout.logRows} width={body.width} />
          </Box>
        );
      }}
    </ScreenFrame>
  );
}
