import type { DeliveryLog } from '../http/delivery-log.ts';
import type { WebhookHandler } from '../http/webhook-event.ts';
import type { Inbox } from '../ports/inbox.ts';

export interface ReplayInboxOptions {
  inbox: Inbox;
  /** The handler events go through, from the webhook route and from the replay alike (only enqueues). */
  handle: WebhookHandler;
  deliveries: DeliveryLog;
  log: { info(obj: object, msg: string): void };
}

/**
 * At start, before new work: hands every unretired inbox entry to `handle` again, with its id, in the
 * order they were accepted. The reconciler retires each entry itself (`onSettled`) once the work it
 * carries is published or decided as nothing to do; an entry the handler does not take is retired here.
 * A replay is harmless: applying an event twice changes nothing that is right. Returns how many.
 */
export function replayInbox(options: ReplayInboxOptions): number {
  const { inbox, log } = options;
  const entries = inbox.unretired();
  for (const entry of entries) {
    // A redelivery of it from GitHub is a duplicate from here on.
    options.deliveries.firstTime(entry.delivery);
    const outcome = options.handle({ name: entry.name, delivery: entry.delivery, payload: entry.payload, inboxId: entry.id, replayed: true }, log);
    if (!outcome.accepted) inbox.retire(entry.id);
  }
  if (entries.length > 0) log.info({ events: entries.length }, 'replayed the accepted events a previous run had not applied');
  return entries.length;
}
