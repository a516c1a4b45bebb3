import { useEffect, useState } from 'react';
import type { RoleEvent } from '../../roles/shared/events.js';
import { EventBuffer, type Tone } from './event-buffer.js';

/** An EventBuffer fed by a role's onEvent while the screen is mounted. */
export function useEventBuffer(onEvent: (listener: (event: RoleEvent) => void) => () => void, toneOf: (event: RoleEvent) => Tone | null): EventBuffer {
  const [buffer] = useState(() => new EventBuffer(toneOf));
  useEffect(() => onEvent((event) => buffer.push(event)), [onEvent, buffer]);
  return buffer;
}
