import { Box } from 'ink';
import { useEffect, useRef } from 'react';
import { SnapshotStore } from '../../roles/shared/store.js';
import { EventLog, eventLogHeight } from '../shared/event-log.js';
import { useQuit } from '../shared/quit.js';
import { ScreenFrame } from '../shared/screen-frame.js';
import { useEventBuffer } from '../shared/use-event-buffer.js';
import { useNotice } from '../shared/use-notice.js';
import { useNow } from '../shared/use-now.js';
import { useRates } from '../shared/use-rates.js';
import { useRoleState } from '../shared/use-role-state.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import { CpMenu } from './cp-menu.js';
import { driverTone } from './driver-events.js';
import { DRIVER_KEYS } from './driver-keys.js';
import type { DriverRole } from './driver-role.js';
import { ticketLine, whyNoRequest, whyNoStop, type DriverRun, type RunProgress } from '../../roles/driver/index.js';
import { effectiveCursor } from './menu-cursor.js';
import { Receipt, RECEIPT_HEIGHT } from './receipt.js';
import { RunPanel } from './run-panel.js';
import { SESSION_HEIGHT, SessionPanel } from './session-panel.js';
import { TicketHistory } from './ticket-history.js';
import { useDriverKeys } from './use-driver-keys.js';
import { useDriverState } from './use-driver-state.js';

export const DRIVER_MIN = { columns: 60, rows: 20 };
const NO_RUN = new SnapshotStore<RunProgress | null>(() => null);

export interface DriverScreenProps {
  driver: DriverRole;
  /** The `--cp` / `--file` run whose progress the screen shows, if any. */
  run?: DriverRun;
  title?: string;
}

/** The driver session: CP menu, the session, the receipt and this run's tickets, an event log. */
export function DriverScreen({ driver, run, title = 'evcharge driver' }: DriverScreenProps) {
  const snap = useRoleState(driver.store);
  const progress = useRoleState<RunProgress | null>(run?.store ?? NO_RUN);
  const [ui, dispatch] = useDriverState();
  const log = useEventBuffer(driver.onEvent, driverTone);
  const now = useNow(1000);
  const rates = useRates(driver.counters);
  const size = useTerminalSize();
  const { notice, setNotice, run: runIntent } = useNotice();
  const panels = size.columns >= DRIVER_MIN.columns && size.rows >= DRIVER_MIN.rows;

  const runActive = progress !== null && progress.phase !== 'done';
  const busy = snap.supply !== null || runActive;
  const quit = useQuit(() => {
    if (ui.quitting || !busy) return; // nothing to wait for, or a second q: exit now
    dispatch({ type: 'quitting' });
    if (runActive) run?.abort();
    else if (snap.supply && !snap.supply.stopping) void driver.stopSupply();
    setNotice({ text: 'stopping the supply; quitting once the ticket arrives (q again quits now)', tone: 'ok' });
    return false;
  });
  useEffect(() => {
    if (ui.quitting && !busy) quit();
  }, [ui.quitting, busy, quit]);

  const cursorId = effectiveCursor(snap.cps, ui.cursorId);
  const noRequest = whyNoRequest(snap, cursorId, { runActive });
  const canRequest = noRequest === null && !ui.quitting;
  useDriverKeys({
    driver,
    ui,
    dispatch,
    cps: snap.cps,
    cursorId,
    noRequest,
    noStop: whyNoStop(snap),
    quitting: ui.quitting,
    panels,
    run: runIntent,
    refuse: (why) => setNotice({ text: why, tone: 'error' }),
    quit,
  });

  // Enter is the run's while it goes on, and the user's again once it is done.
  const keys = runActive ? DRIVER_KEYS.filter((k) => k.keys !== 'Enter') : DRIVER_KEYS;
  const lastTicket = snap.tickets[snap.tickets.length - 1] ?? null;
  // A ticket that arrives answers the footer's "stopping; the ticket follows": it takes the
  // place of a message still up (the key hints, when none is, stay).
  const shownTicket = useRef(lastTicket?.sessionId);
  const noticeUp = notice !== null;
  useEffect(() => {
    if (!lastTicket || lastTicket.sessionId === shownTicket.current) return;
    shownTicket.current = lastTicket.sessionId;
    if (noticeUp) setNotice({ text: ticketLine(lastTicket), tone: 'ok' });
  }, [lastTicket, noticeUp, setNotice]);
  return (
    <ScreenFrame min={DRIVER_MIN} header={{ title, who: `driver ${snap.id}`, bus: snap.bus, rates }} keys={keys} message={notice} helpOpen={ui.helpOpen}>
      {(body) => {
        const logRows = body.height >= 30 ? 5 : 3;
        const mainHeight = body.height - eventLogHeight(logRows);
        const wide = body.width >= 96;
        const leftWidth = wide ? Math.max(body.width - 48, Math.floor(body.width * 0.6)) : body.width;
        const rightWidth = body.width - leftWidth;
        const runHeight = progress ? Math.min(progress.items.length + 2, Math.max(3, Math.floor(mainHeight / 3))) : 0;
        const menuHeight = Math.max(2, mainHeight - runHeight - SESSION_HEIGHT);
        return (
          <Box flexDirection="column" width={body.width} height={body.height}>
            <Box height={mainHeight} flexShrink={0}>
              <Box width={leftWidth} flexDirection="column" flexShrink={0}>
                {progress ? <RunPanel progress={progress} now={now} width={leftWidth} height={runHeight} /> : null}
                <CpMenu cps={snap.cps} cursorId={cursorId} enabled={canRequest} width={leftWidth} height={menuHeight} />
                <SessionPanel snap={snap} now={now} width={leftWidth} idle={noRequest ?? 'choose an available charge point and press Enter'} />
              </Box>
              {wide ? (
                <Box width={rightWidth} flexDirection="column" flexShrink={0}>
                  <Receipt ticket={lastTicket} width={rightWidth} />
                  <TicketHistory tickets={snap.tickets} width={rightWidth} height={Math.max(1, mainHeight - RECEIPT_HEIGHT)} />
                </Box>
              ) : null}
            </Box>
            <EventLog lines={log.store} rows={logRows} width={body.width} />
          </Box>
        );
      }}
    </ScreenFrame>
  );
}
