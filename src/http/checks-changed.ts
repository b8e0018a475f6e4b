import { parseChecksEvent, type ChecksChanged, type ChecksEventName } from '../domain/parse-checks-event.ts';
import type { WebhookOutcome } from './webhook-event.ts';

export interface ChecksLog {
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * The reconciler's side of a CI event: re-plan the environments whose head sha is in `change.shas`
 * (the `waitFor` wait may be over). Like every webhook handler it must only enqueue; the answer is
 * what the delivery's 202 says.
 */
export type ChecksChangedHandler = (change: ChecksChanged, delivery: string, log: ChecksLog, inboxId?: string) => WebhookOutcome;

/** A verified `check_run`, `check_suite`, `status` or `workflow_run` delivery, parsed and handed on. */
export function routeChecksEvent(name: ChecksEventName, payload: unknown, delivery: string, handler: ChecksChangedHandler, log: ChecksLog, inboxId?: string): WebhookOutcome {
  const parsed = parseChecksEvent(name, payload);
  if (!parsed.ok) return { accepted: false, reason: parsed.reason };
  return handler(parsed.change, delivery, log, inboxId);
}
