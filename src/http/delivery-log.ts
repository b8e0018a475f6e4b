/** Remembers recent X-GitHub-Delivery ids, so that a redelivery changes nothing. */
export interface DeliveryLog {
  /** True the first time an id is seen; false for a redelivery. */
  firstTime(id: string): boolean;
  /** Forgets an id (a delivery that was not accepted after all): its redelivery is taken as new. */
  forget?(id: string): void;
}

/**
 * Bounded: the oldest ids are forgotten first. A redelivery older than that is still harmless,
 * because rendering what is already committed makes no commit; this only saves the work.
 */
export function createDeliveryLog(capacity = 10_000): DeliveryLog {
  const seen = new Set<string>();
  return {
    firstTime(id) {
      if (seen.has(id)) return false;
      seen.add(id);
      if (seen.size > capacity) {
        const oldest = seen.values().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      return true;
    },
    forget(id) {
      seen.delete(id);
    },
  };
}
