import { useCallback, useEffect, useState } from 'react';
import type { IntentResult } from '../../roles/shared/role.js';
import { useScreenEnv } from './screen-context.js';

export interface Notice {
  text: string;
  /** Said in fewer words, for a footer too narrow for `text`. */
  short?: string;
  tone: 'ok' | 'error';
}

/** The result of the last action, cleared after `ms`; `run` shows an intent's result. */
export function useNotice(ms = 5000) {
  const { clock } = useScreenEnv();
  const [notice, setNotice] = useState<Notice | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = clock.setTimeout(() => setNotice(null), ms);
    return () => clock.clearTimeout(timer);
  }, [notice, clock, ms]);
  const run = useCallback((intent: () => Promise<IntentResult>) => {
    intent().then(
      (r) => setNotice({ text: r.text, tone: r.ok ? 'ok' : 'error' }),
      (e: unknown) => setNotice({ text: String(e instanceof Error ? e.message : e), tone: 'error' }),
    );
  }, []);
  return { notice, setNotice, run };
}
