import type { ArgoApplication } from '../../ports/cluster.ts';

/** A complete list: every item, and the resourceVersion to watch from. */
export interface ApplicationList {
  items: ArgoApplication[];
  resourceVersion: string;
}

/**
 * Opens a watch from `resourceVersion`; `onLine` gets each event, `onDone` once when the stream ends
 * (null: the server closed it cleanly). Resolves to what aborts it, once the server has answered.
 */
export type OpenWatch = (
  resourceVersion: string,
  timeoutSeconds: number,
  onLine: (type: string, object: unknown) => void,
  onDone: (error: unknown) => void,
) => Promise<{ abort(): void }>;

/** The two pino levels the watch uses. */
export interface WatchLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Injected so that tests can see (and shorten) every wait. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
