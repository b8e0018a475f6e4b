/** One verified webhook delivery, as the plugin hands it on. */
export interface WebhookEvent {
  name: string;
  delivery: string;
  payload: unknown;
  /**
   * The inbox entry that holds it, when the service has an inbox: whoever applies the event retires
   * this entry once its effect is published (or planned as a no-op).
   */
  inboxId?: string;
  /** Replayed from the inbox at start (accepted by an earlier run): its payload may be stale. */
  replayed?: boolean;
}

/** What became of a delivery: queued for the reconciler, or ignored (and why, for the log). */
export type WebhookOutcome = { accepted: true } | { accepted: false; reason: string };

/** Handles a verified delivery. Must only enqueue: the HTTP answer waits for it. */
export type WebhookHandler = (event: WebhookEvent, log: { info(obj: object, msg: string): void }) => WebhookOutcome;
