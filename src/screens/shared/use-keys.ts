import { useInput, useStdin, type Key } from 'ink';
import { useCallback, useRef } from 'react';

/**
 * useInput, active only when stdin can be put in raw mode (a TTY) and `enabled`. The handler is
 * read through a ref set at render time, so keys typed faster than effects run see fresh state.
 */
export function useKeys(handler: (input: string, key: Key) => void, enabled = true): boolean {
  const { isRawModeSupported } = useStdin();
  const active = Boolean(isRawModeSupported) && enabled;
  const latest = useRef(handler);
  latest.current = handler;
  const stable = useCallback((input: string, key: Key) => latest.current(input, key), []);
  useInput(stable, { isActive: active });
  return active;
}

/** True for q and Ctrl-C. */
export function isQuitKey(input: string, key: Key): boolean {
  return input === 'q' || (key.ctrl && input === 'c');
}
