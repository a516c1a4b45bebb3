import { useEffect, useRef, useState } from 'react';
import type { RoleCounters } from '../../roles/shared/counters.js';
import { useScreenEnv } from './screen-context.js';

export interface Rates {
  inPerSec: number;
  outPerSec: number;
  malformed: number;
}

/** Messages per second in and out, from the role's counters, sampled every `everyMs`. */
export function useRates(counters: () => RoleCounters, everyMs = 1000): Rates {
  const { clock } = useScreenEnv();
  const last = useRef<{ at: number; c: RoleCounters } | null>(null);
  const [rates, setRates] = useState<Rates>({ inPerSec: 0, outPerSec: 0, malformed: 0 });
  useEffect(() => {
    last.current = { at: clock.now(), c: counters() };
    const timer = clock.setInterval(() => {
      const now = clock.now();
      const c = counters();
      const prev = last.current;
      last.current = { at: now, c };
      if (!prev || now <= prev.at) return;
      const secs = (now - prev.at) / 1000;
      setRates({
        inPerSec: (c.messagesIn - prev.c.messagesIn) / secs,
        outPerSec: (c.messagesOut - prev.c.messagesOut) / secs,
        malformed: c.malformed,
      });
    }, everyMs);
    return () => clock.clearInterval(timer);
  }, [clock, counters, everyMs]);
  return rates;
}
