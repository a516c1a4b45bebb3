import { Box } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { SnapshotStore } from '../../roles/shared/store.js';
import { EventLog } from '../shared/event-log.js';
import { useQuit } from '../shared/quit.js';
import { ScreenFrame } from '../shared/screen-frame.js';
import { useEventBuffer } from '../shared/use-event-buffer.js';
import { useNotice } from '../shared/use-notice.js';
import { useNow } from '../shared/use-now.js';
import { useRates } from '../shared/use-rates.js';
import { useRoleState } from '../shared/use-role-state.js';
import { useScreenEnv } from '../shared/screen-context.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import { CpMenu } from './cp-menu.js';
import { DRIVER_MIN, driverLayout } from './driver-layout.js';
import { driverTone } from './driver-events.js';
import { endingNotice } from './ending-notice.js';
import { DRIVER_KEYS } from './driver-keys.js';
import type { DriverRole } from './driver-role.js';
import { SessionEnd, ticketLine, ticketShortLine, whyNoRequest, whyNoStop, type DriverRun, type RunProgress } from '../../roles/driver/index.js';
import { effectiveCursor } from './menu-cursor.js';
import { Receipt } from './receipt.js';
import { RunPanel } from './run-panel.js';
import { SessionPanel } from './session-panel.js';
import { TicketHistory } from './ticket-history.js';
import { useDriverKeys } from './use-driver-keys.js';
import { useDriverState } from './use-driver-state.js';

const NO_RUN = new SnapshotStore<RunProgress | null>(() => null);

export interface DriverScreenProps {
  driver: DriverRole;
  /** The `--cp` / `--file` run whose progress the screen shows, if any. */
  run?: DriverRun;
  /** How q ends the session; the caller keeps it to print what arrived once the screen is gone. */
  end?: SessionEnd;
  title?: string;
}

/** The driver session: CP menu, the session, the receipt and this run's tickets, an event log. */
export function DriverScreen({ driver, run, end: given, title = 'evcharge driver' }: DriverScreenProps) {
  const { clock } = useScreenEnv();
  const [own] = useState(() => given ?? new SessionEnd(driver, { clock, ...(run && { run }) }));
  const end = given ?? own;
  const snap = useRoleState(driver.store);
  const ending = useRoleState(end.store);
  const progress = useRoleState<RunProgress | null>(run?.store ?? NO_RUN);
  const [ui, dispatch] = useDriverState();
  const log = useEventBuffer(driver.onEvent, driverTone);
  const now = useNow(1000);
  const rates = useRates(driver.counters);
  const size = useTerminalSize();
  const { notice, setNotice, run: runIntent } = useNotice();
  const panels = size.columns >= DRIVER_MIN.columns && size.rows >= DRIVER_MIN.rows;

  const runActive = progress !== null && progress.phase !== 'done';
  // q: stop what is open and wait for its ticket (the footer says so); q again: quit now.
  const waited = useRef(false);
  const quit = useQuit(() => {
    const phase = end.store.getSnapshot().phase;
    if (phase === 'waiting') end.cut();
    else if (phase === 'idle' && end.begin()) {
      waited.current = true;
      return false;
    }
  });
  // The wait is over (ticket, answer or timeout): quit as the first q asked.
  useEffect(() => {
    if (waited.current && ending.phase === 'done' && !ending.result.forced) quit();
  }, [ending, quit]);
  const quitting = ending.phase !== 'idle';

  const cursorId = effectiveCursor(snap.cps, ui.cursorId);
  const noRequest = whyNoRequest(snap, cursorId, { runActive });
  const canRequest = noRequest === null && !quitting;
  useDriverKeys({
    driver,
    ui,
    dispatch,
    cps: snap.cps,
    cursorId,
    noRequest,
    noStop: whyNoStop(snap),
    quitting,
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
    if (noticeUp) setNotice({ text: ticketLine(lastTicket), short: ticketShortLine(lastTicket), tone: 'ok' });
  }, [lastTicket, noticeUp, setNotice]);
  const message = ending.phase === 'waiting' ? { ...endingNotice(ending.wait, now), tone: 'ok' as const } : notice;
  return (
    <ScreenFrame min={DRIVER_MIN} header={{ title, who: `driver ${snap.id}`, bus: snap.bus, rates }} keys={keys} message={message} helpOpen={ui.helpOpen}>
      {(body) => {
        const layout = driverLayout(body, { cps: snap.cps.length, run: progress ? progress.items.length : null, tickets: snap.tickets.length });
        const { leftWidth, rightWidth } = layout;
        const receipt = <Receipt ticket={lastTicket} width={layout.wide ? rightWidth : leftWidth} height={layout.receipt} />;
        return (
          <Box flexDirection="column" width={body.width} height={body.height}>
            <Box height={layout.main} flexShrink={0}>
              <Box width={leftWidth} height={layout.main} flexDirection="column" flexShrink={0}>
                {progress ? <RunPanel progress={progress} now={now} width={leftWidth} height={layout.run} /> : null}
                <CpMenu cps={snap.cps} cursorId={cursorId} enabled={canRequest} width={leftWidth} height={layout.menu} />
                <SessionPanel snap={snap} now={now} width={leftWidth} idle={noRequest ?? 'choose an available charge point and press Enter'} />
                {layout.wide ? null : receipt}
              </Box>
              {layout.wide ? (
                <Box width={rightWidth} marginLeft={layout.gap} flexDirection="column" flexShrink={0}>
                  {receipt}
                  <TicketHistory tickets={snap.tickets} width={rightWidth} height={layout.history} />
                </Box>
              ) : null}
            </Box>
            <EventLog lines={log.store} rows={layout.logRows} width={body.width} />
          </Box>
        );
      }}
    </ScreenFrame>
  );
}
