import type { RoleEvent } from '../../roles/shared/events.js';
import { SnapshotStore } from '../../roles/shared/store.js';

export type Tone = 'good' | 'bad' | 'warn' | 'info' | 'plain';

export interface LogLine {
  id: number;
  at: number;
  kind: string;
  text: string;
  tone: Tone;
}

/**
 * The last `capacity` events of a role, kept outside React and read through a store (so the
 * event log is throttled like the rest). `toneOf` returns null for events not worth a line.
 */
export class EventBuffer {
  private lines: LogLine[] = [];
  private nextId = 1;
  readonly store = new SnapshotStore<readonly LogLine[]>(() => this.lines);

  constructor(
    private readonly toneOf: (event: RoleEvent) => Tone | null,
    private readonly capacity = 200,
  ) {}

  push(event: RoleEvent): void {
    const tone = this.toneOf(event);
    if (tone !== null) this.add(event.at, event.kind, event.text, tone);
  }

  /** A line the screen itself adds (the result of an operator action). */
  note(at: number, text: string, tone: Tone = 'info'): void {
    this.add(at, 'note', text, tone);
  }

  private add(at: number, kind: string, text: string, tone: Tone): void {
    const line: LogLine = { id: this.nextId++, at, kind, text, tone };
    this.lines = this.lines.length >= this.capacity ? [...this.lines.slice(1 - this.capacity), line] : [...this.lines, line];
    this.store.changed();
  }
}
