/** A verified webhook delivery, as it is kept until its effect is applied. */
export interface InboxEvent {
  /** X-GitHub-Event. */
  name: string;
  /** X-GitHub-Delivery. */
  delivery: string;
  /** The parsed JSON payload. */
  payload: unknown;
}

/** An event to append, with the JSON text its payload was parsed from when the caller has it. */
export interface InboxAppend extends InboxEvent {
  /**
   * `payload` as the JSON text it was parsed from (the body GitHub sent): kept as is, the journal need
   * not serialize the parsed payload again — a 25 KB payload's `JSON.stringify` was the journal's
   * largest cost per delivery. Must parse to `payload`.
   */
  payloadJson?: string;
}

/** An accepted event in the inbox: durable, not yet retired. */
export interface InboxEntry extends InboxEvent {
  /** The inbox's own id for it (unique within one inbox, increasing in arrival order). */
  id: string;
  /** When it was accepted (ISO 8601). */
  receivedAt: string;
}

/**
 * The durable inbox: events accepted and not yet applied. Its contract is the HTTP answer's: an event
 * is answered 202 only once `append` has resolved, and then it is applied even if the process dies,
 * because the entries not retired are replayed at the next start. It is not a database: git stays the
 * record of what is applied, and a replay is harmless because applying an event twice changes nothing
 * that is right.
 */
export interface Inbox {
  /**
   * Makes an event durable (written and synced to disk) and resolves with its id. Concurrent appends
   * share one sync. Rejects, and keeps nothing, when the disk fails (a transient `StorageError`) or the
   * inbox is full (`InboxFullError`): the caller answers 503 so that the sender can deliver it again.
   */
  append(event: InboxAppend): Promise<string>;
  /**
   * The event's effect is applied (published, or planned as a no-op): it will not be replayed. Cheap and
   * unsynced: a retire lost to a crash costs one harmless replay. Unknown ids are ignored.
   */
  retire(id: string): void;
  /** The entries not retired, oldest first (at start: what to replay before taking new work). */
  unretired(): InboxEntry[];
  /** Why the inbox cannot take events now, if it cannot (for /readyz); empty when it can. */
  notReady(): string[];
  /** Writes what is queued and closes the journal. */
  close(): Promise<void>;
}
