import { useEffect, useRef, useState } from 'react';
import type { RoleCounters } from '../../roles/shared/counters.js';
import { RateWindow } from './rate-window.js';
import { useScreenEnv } from './screen-context.js';

export interface Rates {
  inPerSec: number;
  outPerSec: number;
  malformed: number;
}

/** Messages per second in and out over the last 5 s, from the role's counters, sampled every `everyMs`. */
export function useRates(counters: () => RoleCounters, everyMs = 1000): Rates {
  const { clock } = useScreenEnv();
  const [rates, setRates] = useState<Rates>({ inPerSec: 0, outPerSec: 0, malformed: 0 });
  const window = useRef<RateWindow | null>(null);
  useEffect(() => {
    window.current = new RateWindow(5000);
    const first = counters();
    window.current.push(clock.now(), first.messagesIn, first.messagesOut);
    const timer = clock.setInterval(() => {
      const c = counters();
      const r = window.current!.push(clock.now(), c.messagesIn, c.messagesOut);
      setRates({ inPerSec: r.a, outPerSec: r.b, malformed: c.malformed });
    }, everyMs);
    return () => clock.clearInterval(timer);
  }, [clock, counters, everyMs]);
  return rates;
}
