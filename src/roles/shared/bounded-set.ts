/**
 * Remembers the most recent `capacity` keys (oldest forgotten first): enough to recognise
 * redelivered message ids without growing forever.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  get size(): number {
    return this.map.size;
  }
}

export class BoundedSet<K> {
  private readonly map: BoundedMap<K, true>;

  constructor(capacity: number) {
    this.map = new BoundedMap(capacity);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Adds the key; returns false when it was already there. */
  add(key: K): boolean {
    if (this.map.has(key)) return false;
    this.map.set(key, true);
    return true;
  }
}
