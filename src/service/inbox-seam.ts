import type { DeliveryLog } from '../http/delivery-log.ts';
import type { WebhookHandler } from '../http/webhook-event.ts';
import type { Inbox } from '../ports/inbox.ts';

export interface InboxSeamOptions {
  inbox: Inbox;
  /** The handler events go through, from the webhook route and from the replay alike (only enqueues). */
  handle: WebhookHandler;
  deliveries: DeliveryLog;
  /** Resolves once everything enqueued so far is applied and published (the reconciler's `idle`). */
  settled: () => Promise<void>;
  /** Commits made and not yet published. */
  pendingCount: () => Promise<number>;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** Where the inbox meets the reconciler; see {@link createInboxSeam}. */
export interface InboxSeam {
  /** The webhook route's handler: `handle`, remembering which inbox entries it handed on. */
  handle: WebhookHandler;
  /** At start, before new work: hands every unretired entry to `handle` again. Returns how many. */
  replay(): number;
  /** Retires the entries whose effect is published; resolves once all handed on are (at shutdown). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The seam between the inbox and the reconciler, kept apart so that the reconciler can take it over.
 * For now an entry is retired when the reconciler has settled after it was enqueued (queue empty,
 * retries done, every commit published): everything enqueued before that point was applied or given up
 * on as terminal, which the reconciler already reports. Once the reconciler carries `inboxId` through
 * its requests it retires each entry itself when its commit is published or planned as a no-op, and
 * only `replay` stays here.
 */
export function createInboxSeam(options: InboxSeamOptions): InboxSeam {
  const { inbox, log } = options;
  let handed: string[] = [];
  let wake: (() => void) | null = null;
  let stopped = false;
  let loop: Promise<void> | null = null;

  const handle: WebhookHandler = (event, eventLog) => {
    const outcome = options.handle(event, eventLog);
    if (outcome.accepted && event.inboxId !== undefined) {
      handed.push(event.inboxId);
      wake?.();
    }
    return outcome;
  };

  async function retireSettled(): Promise<void> {
    const batch = handed;
    handed = [];
    try {
      await options.settled();
      if ((await options.pendingCount()) === 0) {
        for (const id of batch) inbox.retire(id);
        return;
      }
    } catch (err) {
      log.warn({ err }, 'inbox entries stay until their commits are published');
    }
    handed = [...batch, ...handed];
    await new Promise((resolve) => setTimeout(resolve, 1000).unref());
  }

  async function run(): Promise<void> {
    while (!stopped) {
      if (handed.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      await retireSettled();
    }
  }

  return {
    handle,
    replay() {
      const entries = inbox.unretired();
      for (const entry of entries) {
        options.deliveries.firstTime(entry.delivery);
        const outcome = handle({ name: entry.name, delivery: entry.delivery, payload: entry.payload, inboxId: entry.id }, log);
        if (!outcome.accepted) inbox.retire(entry.id);
      }
      if (entries.length > 0) log.info({ events: entries.length }, 'replayed the accepted events a previous run had not applied');
      loop ??= run();
      return entries.length;
    },
    async drain() {
      while (handed.length > 0) await retireSettled();
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
