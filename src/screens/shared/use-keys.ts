import { useInput, useStdin, type Key } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuitRequests } from './quit.js';
import { splitKeys } from './split-keys.js';

/**
 * useInput, active only when stdin can be put in raw mode (a TTY) and `enabled`. The handler is
 * read through a ref set at render time, so it always sees the state of the latest render.
 *
 * Keys that arrive together ("jj", a paste, "/abc\r") are handled one per render: each one sees
 * the state the previous one left (the selection it moved, the prompt it opened), as if typed
 * slowly. Keys that arrive while a batch is still going wait their turn, in order.
 */
export function useKeys(handler: (input: string, key: Key) => void, enabled = true): boolean {
  const { isRawModeSupported } = useStdin();
  const active = Boolean(isRawModeSupported) && enabled;
  const latest = useRef(handler);
  latest.current = handler;
  const queue = useRef<Array<[string, Key]>>([]);
  const [turn, setTurn] = useState(0);
  const quits = useQuitRequests();
  const quitsRef = useRef(quits);
  quitsRef.current = quits;

  const step = useCallback(() => {
    const next = queue.current.shift();
    if (!next) return;
    // The re-render this asks for is batched with the state the key changed, so the next key is
    // handled by a handler rendered from that state.
    if (queue.current.length > 0) setTurn((t) => t + 1);
    // Ctrl-C quits every screen; the CLI then exits 130, as for SIGINT.
    if (next[1].ctrl && next[0] === 'c' && quitsRef.current) quitsRef.current.interrupted = true;
    latest.current(next[0], next[1]);
  }, []);

  useEffect(() => {
    if (turn > 0) step();
  }, [turn, step]);

  const onInput = useCallback(
    (input: string, key: Key) => {
      const idle = queue.current.length === 0;
      queue.current.push(...splitKeys(input, key));
      if (idle) step();
    },
    [step],
  );
  useInput(onInput, { isActive: active });
  return active;
}

/** True for q and Ctrl-C. */
export function isQuitKey(input: string, key: Key): boolean {
  return input === 'q' || (key.ctrl && input === 'c');
}
