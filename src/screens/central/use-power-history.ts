import { useEffect, useState } from 'react';
import type { ReadableStore } from '../../roles/shared/store.js';
import type { CentralSnapshot } from '../../roles/central/index.js';
import { useScreenEnv } from '../shared/screen-context.js';
import { throttled } from '../shared/throttled-store.js';
import { PowerHistory } from './power-history.js';

/** A PowerHistory fed from central's (throttled) store for as long as the screen is mounted. */
export function usePowerHistory(store: ReadableStore<CentralSnapshot>): PowerHistory {
  const { clock } = useScreenEnv();
  const [history] = useState(() => new PowerHistory(60));
  useEffect(() => {
    const source = throttled(store, clock);
    const observe = () => history.observe(source.getSnapshot().cps, clock.now());
    observe();
    const unsubscribe = source.subscribe(observe);
    // Also once a second, so a steady CP's line keeps moving even without changes.
    const timer = clock.setInterval(observe, 1000);
    return () => {
      unsubscribe();
      clock.clearInterval(timer);
    };
  }, [store, history, clock]);
  return history;
}
