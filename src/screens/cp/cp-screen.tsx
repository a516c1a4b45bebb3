import { Box } from 'ink';
import { useState } from 'react';
import { EventLog, eventLogHeight } from '../shared/event-log.js';
import { useQuit } from '../shared/quit.js';
import { ScreenFrame } from '../shared/screen-frame.js';
import { useEventBuffer } from '../shared/use-event-buffer.js';
import { useNotice } from '../shared/use-notice.js';
import { useNow } from '../shared/use-now.js';
import { useRates } from '../shared/use-rates.js';
import { useRoleState } from '../shared/use-role-state.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import { cpTone } from './cp-events.js';
import { CP_KEYS } from './cp-keys.js';
import type { ChargePointRole } from './cp-role.js';
import { MeterPanel } from './meter-panel.js';
import { useCpKeys } from './use-cp-keys.js';

export const CP_MIN = { columns: 50, rows: 18 };
const METER_HEIGHT = 13;

/** The charge-point meter: big state, registration, price, the supply's gauges; u/f/r keys. */
export function ChargePointScreen({ cp, title = 'evcharge cp' }: { cp: ChargePointRole; title?: string }) {
  const snap = useRoleState(cp.store);
  const log = useEventBuffer(cp.onEvent, cpTone);
  const now = useNow(1000);
  const rates = useRates(cp.counters);
  const size = useTerminalSize();
  const [helpOpen, setHelp] = useState(false);
  const { notice, run } = useNotice();
  const quit = useQuit();
  const panels = size.columns >= CP_MIN.columns && size.rows >= CP_MIN.rows;
  useCpKeys({ cp, helpOpen, setHelp, panels, run, quit });

  return (
    <ScreenFrame min={CP_MIN} header={{ title, who: `cp ${snap.id}`, bus: snap.bus, rates }} keys={CP_KEYS} message={notice} helpOpen={helpOpen}>
      {(body) => {
        const meterHeight = Math.min(METER_HEIGHT, body.height - eventLogHeight(2));
        const logRows = Math.max(2, body.height - meterHeight - 1);
        return (
          <Box flexDirection="column" width={body.width} height={body.height}>
            <MeterPanel snap={snap} now={now} width={body.width} height={meterHeight} />
            <EventLog lines={log.store} rows={logRows} width={body.width} />
          </Box>
        );
      }}
    </ScreenFrame>
  );
}
