import { useEffect, useState } from 'react';
import { useScreenEnv } from './screen-context.js';

/** The screen clock's time, re-read every `everyMs` (elapsed times, rates). */
export function useNow(everyMs = 1000): number {
  const { clock } = useScreenEnv();
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    const timer = clock.setInterval(() => setNow(clock.now()), everyMs);
    return () => clock.clearInterval(timer);
  }, [clock, everyMs]);
  return now;
}
