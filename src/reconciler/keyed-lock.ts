/** One holder per key at a time; the others wait their turn, first come first served. */
export interface KeyedLock {
  /** Resolves, once the key is free, with the function that frees it again (call it exactly once). */
  acquire(key: string): Promise<() => void>;
}

export function createKeyedLock(): KeyedLock {
  // The tail of each key's chain; deleted when the last holder frees it, so idle keys cost nothing.
  const tails = new Map<string, Promise<void>>();
  return {
    async acquire(key) {
      const before = tails.get(key) ?? Promise.resolve();
      let free = () => {};
      const mine = new Promise<void>((resolve) => (free = resolve));
      const tail = before.then(() => mine);
      tails.set(key, tail);
      await before;
      return () => {
        free();
        if (tails.get(key) === tail) tails.delete(key);
      };
    },
  };
}
