import { useSyncExternalStore } from 'react';
import type { ReadableStore } from '../../roles/shared/store.js';
import { useScreenEnv } from './screen-context.js';
import { throttled } from './throttled-store.js';

/**
 * A role store's snapshot for React. Changes are batched outside React by a ThrottledStore shared
 * per store and screen clock, so a busy network re-renders at most ~10 times a second.
 */
export function useRoleState<T>(store: ReadableStore<T>): T {
  const { clock } = useScreenEnv();
  const source = throttled(store, clock);
  return useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot);
}
