/** What the TUI needs for React's useSyncExternalStore. */
export interface ReadableStore<T> {
  /** The same object until something changes; never mutated. */
  getSnapshot(): T;
  subscribe(listener: () => void): () => void;
}

/**
 * A store whose snapshot is built lazily from the role's own state: the role calls `changed()`
 * once per applied batch, listeners are told, and the next `getSnapshot()` builds a new frozen
 * object. Between changes every call returns the same object.
 */
export class SnapshotStore<T> implements ReadableStore<T> {
  private snapshot: T | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly build: () => T) {}

  getSnapshot = (): T => {
    if (this.snapshot === null) this.snapshot = Object.freeze(this.build());
    return this.snapshot;
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  changed(): void {
    this.snapshot = null;
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // Listener errors belong to the UI, not to the role.
      }
    }
  }
}
