import { backoffDelay, type BackoffPolicy } from '../domain/backoff.ts';

/** How a worker's failure is treated: retried later (transient) or given up on. */
export type FailureKind = 'transient' | 'terminal';

export interface WorkQueueOptions<T> {
  /** How many different keys are worked on at once. One key is never worked on twice at once. */
  concurrency: number;
  worker: (key: string, item: T) => Promise<void>;
  /** When a newer item arrives for a key that has one waiting, the two become one. */
  merge: (waiting: T, incoming: T) => T;
  classify: (err: unknown) => FailureKind;
  onFailure: (key: string, item: T, err: unknown, kind: FailureKind, attempt: number) => void;
  backoff: BackoffPolicy;
  /**
   * Work for a key starts only once no newer item has arrived for this long, so that a burst of events
   * for one key (five pushes in a second) becomes one piece of work for the newest. 0: start at once.
   */
  settleMs?: number;
  random?: () => number;
  now?: () => number;
}

export interface WorkQueue<T> {
  /** Queues work for a key; returns false once the queue is closed. */
  enqueue(key: string, item: T): boolean;
  /** Items waiting or running (retries waiting for their backoff count too). */
  size(): number;
  /** Resolves when nothing is waiting, running or scheduled for retry. */
  idle(): Promise<void>;
  /** Stops taking new work; resolves when what was accepted is done (retries included). */
  close(): Promise<void>;
}

interface Slot<T> {
  item: T;
  attempt: number;
  /** When the slot may start (ms, `now()` clock). */
  readyAt?: number;
}

/**
 * A queue keyed by environment: events for one key are serialized and coalesced (five pushes in a
 * second become one piece of work for the newest), different keys run in parallel up to a bound, and
 * transient failures come back after a jittered backoff. Nothing accepted is dropped while the process
 * lives, except work a worker declared terminal.
 */
export function createWorkQueue<T>(options: WorkQueueOptions<T>): WorkQueue<T> {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const settleMs = options.settleMs ?? 0;
  let wake: NodeJS.Timeout | null = null;
  const waiting = new Map<string, Slot<T>>(); // in arrival order: Map keeps insertion order
  const running = new Set<string>();
  const retrying = new Map<string, Slot<T>>();
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  function busy(): number {
    return waiting.size + running.size + retrying.size;
  }

  function settle(): void {
    if (busy() > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function put(key: string, slot: Slot<T>, settle: boolean): void {
    const existing = waiting.get(key);
    const readyAt = settle ? now() + settleMs : (existing?.readyAt ?? 0);
    waiting.set(key, existing
      ? { item: options.merge(existing.item, slot.item), attempt: Math.min(existing.attempt, slot.attempt), readyAt }
      : { ...slot, readyAt });
  }

  function pump(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, slot] of waiting) {
      if (running.size >= options.concurrency) return;
      if (running.has(key)) continue;
      if ((slot.readyAt ?? 0) > now()) {
        earliest = Math.min(earliest, slot.readyAt ?? 0);
        continue;
      }
      waiting.delete(key);
      running.add(key);
      void run(key, slot);
    }
    if (earliest !== Number.POSITIVE_INFINITY && wake === null) {
      wake = setTimeout(() => {
        wake = null;
        pump();
      }, Math.max(1, earliest - now()));
    }
  }

  async function run(key: string, slot: Slot<T>): Promise<void> {
    try {
      await options.worker(key, slot.item);
    } catch (err) {
      const kind = options.classify(err);
      options.onFailure(key, slot.item, err, kind, slot.attempt);
      if (kind === 'transient') {
        const retry = { item: slot.item, attempt: slot.attempt + 1 };
        retrying.set(key, retry);
        setTimeout(() => {
          if (retrying.get(key) !== retry) return; // superseded by fresh work meanwhile
          retrying.delete(key);
          put(key, retry, false);
          pump();
          settle();
        }, backoffDelay(options.backoff, slot.attempt, random));
      }
    } finally {
      running.delete(key);
      pump();
      settle();
    }
  }

  return {
    enqueue(key, item) {
      if (closed) return false;
      // A retry waiting for its backoff is superseded by fresh work: merge it in and run now.
      const retry = retrying.get(key);
      put(key, retry ? { item: options.merge(retry.item, item), attempt: 0 } : { item, attempt: 0 }, true);
      if (retry) retrying.delete(key);
      pump();
      return true;
    },
    size: busy,
    idle() {
      if (busy() === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      await this.idle();
    },
  };
}
