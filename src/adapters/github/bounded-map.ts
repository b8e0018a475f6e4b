/** A map that keeps at most `max` entries, forgetting the least recently used first. */
export interface BoundedMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  readonly size: number;
}

/** Creates a `BoundedMap`: what a long-running forge remembers per repository must not grow without end. */
export function createBoundedMap<V>(max: number): BoundedMap<V> {
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`a bounded map holds at least one entry, not ${max}`);
  const entries = new Map<string, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      // Re-inserted: a Map iterates in insertion order, so the first key is always the least recently used.
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > max) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
