/**
 * One thing that happened in a role. `text` is the readable line `--no-tui` prints;
 * `{ at, kind, ...data }` is the object `--json` prints.
 */
export interface RoleEvent<K extends string = string> {
  at: number;
  kind: K;
  text: string;
  data: Record<string, unknown>;
}

export type EventListener<K extends string> = (event: RoleEvent<K>) => void;

/** A synchronous fan-out of events; a throwing listener never breaks the role. */
export class EventFeed<K extends string> {
  private readonly listeners = new Set<EventListener<K>>();

  constructor(private readonly now: () => number) {}

  on(listener: EventListener<K>): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(kind: K, text: string, data: Record<string, unknown> = {}): void {
    if (this.listeners.size === 0) return;
    const event: RoleEvent<K> = { at: this.now(), kind, text, data };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken printer must not take the role down.
      }
    }
  }
}

/** The `--json` form of an event. */
export function eventToJson(event: RoleEvent): Record<string, unknown> {
  return { at: event.at, kind: event.kind, ...event.data };
}
