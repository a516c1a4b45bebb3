import { createContext, useContext, type ReactNode } from 'react';
import { systemClock, type Clock } from '../../bus/clock.js';

/** What every component of a screen may read: whether to colour, and the time. */
export interface ScreenEnv {
  color: boolean;
  clock: Clock;
}

/** `NO_COLOR` set and non-empty turns colours off (https://no-color.org). */
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const noColor = env['NO_COLOR'];
  return noColor === undefined || noColor === '';
}

const ScreenContext = createContext<ScreenEnv | null>(null);

export function ScreenEnvProvider(props: { color?: boolean; clock?: Clock; children: ReactNode }) {
  const value: ScreenEnv = { color: props.color ?? colorFromEnv(), clock: props.clock ?? systemClock };
  return <ScreenContext.Provider value={value}>{props.children}</ScreenContext.Provider>;
}

export function useScreenEnv(): ScreenEnv {
  return useContext(ScreenContext) ?? { color: colorFromEnv(), clock: systemClock };
}

/** A colour, or undefined when colours are off: `<Text color={useColor()('green')}>`. */
export function useColor(): (color: string | undefined) => string | undefined {
  const { color } = useScreenEnv();
  return (c) => (color ? c : undefined);
}
