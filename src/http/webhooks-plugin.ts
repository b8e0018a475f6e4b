import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Inbox } from '../ports/inbox.ts';
import { noMetrics, type Metrics, type WebhookOutcomeLabel } from '../ports/metrics.ts';
import type { DeliveryLog } from './delivery-log.ts';
import { lazyChildLoggerFactory } from './lazy-child-logger.ts';
import { verifySignature } from './verify-signature.ts';
import type { WebhookHandler } from './webhook-event.ts';
import { isChecksEvent } from '../domain/parse-checks-event.ts';
import { routeChecksEvent, type ChecksChangedHandler } from './checks-changed.ts';

export interface WebhooksPluginOptions {
  /** The current secret first; older ones are still accepted (rotation). */
  secrets: readonly string[];
  /** A secret being rotated out: accepted up to `until`, refused after (WEBHOOK_SECRET_PREVIOUS). */
  previous?: { secret: string; until: Date };
  /** The clock the rotation deadline is checked against, per request. */
  now?: () => Date;
  /** Largest body accepted, in bytes; larger gets 413. */
  bodyLimit: number;
  deliveries: DeliveryLog;
  handle: WebhookHandler;
  /**
   * Where a verified event is made durable before it is handed on and answered 202; absent, events
   * live in memory only (tests of the HTTP layer).
   */
  inbox?: Pick<Inbox, 'append' | 'retire'>;
  /**
   * CI results (`check_run`, `check_suite`, `status`, `workflow_run`), parsed into the shas whose
   * checks changed. Unset: they go to `handle` like any other event.
   */
  onChecksChanged?: ChecksChangedHandler;
  /** Counts each delivery by event and outcome. */
  metrics?: Pick<Metrics, 'webhook'>;
}

function fail(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message });
}

// GitHub sends application/json, or the form encoding if the hook was set up that way.
function payloadText(raw: string, contentType: string | undefined): string | null {
  if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(raw).get('payload');
  return raw;
}

/**
 * `POST /webhooks/github`. Registered without fastify-plugin, so its raw-body parser stays inside this
 * scope: signatures are checked over the exact bytes GitHub sent, before anything parses them, and no
 * other route sees a raw body. Answers 202 once the event is durable in the inbox; the handler only enqueues.
 */
export async function webhooksPlugin(app: FastifyInstance, options: WebhooksPluginOptions): Promise<void> {
  const previous = options.previous ? { secret: options.previous.secret, until: options.previous.until.getTime() } : null;
  const now = options.now ?? (() => new Date());
  // Deliveries being made durable, by id: whether they were.
  const durable = new Map<string, Promise<boolean>>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_req, body, done) => done(null, body));
  const metrics = options.metrics ?? noMetrics();
  const count = (request: FastifyRequest, outcome: WebhookOutcomeLabel): void => {
    const event = request.headers['x-github-event'];
    metrics.webhook(typeof event === 'string' ? event : 'unknown', outcome);
  };
  const refuse = (request: FastifyRequest, reply: FastifyReply, outcome: WebhookOutcomeLabel, status: number, error: string, message: string): FastifyReply => {
    count(request, outcome);
    return fail(reply, status, error, message);
  };
  // A body over the limit is refused by the parser before the handler runs.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode === 413) count(request, 'too_large');
  });

  app.post('/webhooks/github', { bodyLimit: options.bodyLimit, childLoggerFactory: lazyChildLoggerFactory }, async (request, reply) => {
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const signature = header('x-hub-signature-256');
    if (!signature) return refuse(request, reply, 'bad_signature', 401, 'missing_signature', 'the X-Hub-Signature-256 header is missing: set a secret on the GitHub webhook (the same as WEBHOOK_SECRET)');
    const name = header('x-github-event');
    const delivery = header('x-github-delivery');
    if (!name || !delivery) return refuse(request, reply, 'malformed', 400, 'missing_headers', 'X-GitHub-Event and X-GitHub-Delivery are required: send webhooks the way GitHub does');
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    // Checked per request, so that the old secret stops working at its deadline without a restart.
    const usable = previous && now().getTime() <= previous.until ? [...options.secrets, previous.secret] : options.secrets;
    if (!usable.some((secret) => verifySignature(secret, body, signature))) return refuse(request, reply, 'bad_signature', 401, 'bad_signature', 'the signature does not match the body: the webhook secret on GitHub differs from WEBHOOK_SECRET');
    // The delivery's fields go on each line it writes; a child logger per delivery would be made even
    // for the many deliveries that write nothing at the configured level.
    const log = {
      info: (obj: object, msg: string) => request.log.info({ delivery, event: name, ...obj }, msg),
      debug: (obj: object, msg: string) => request.log.debug({ delivery, event: name, ...obj }, msg),
    };
    let payload: unknown;
    let payloadJson: string;
    try {
      const text = payloadText(body.toString('utf8'), header('content-type'));
      if (text === null) throw new Error('no payload field in the form body');
      payload = JSON.parse(text);
      payloadJson = text;
    } catch {
      return refuse(request, reply, 'malformed', 400, 'malformed_payload', 'the body is not a JSON webhook payload');
    }
    if (name === 'ping') {
      count(request, 'ignored');
      return reply.code(200).send({ ok: true });
    }
    // A copy of a delivery still being made durable waits for it: answered 202 only if the first was.
    const earlier = durable.get(delivery);
    if (earlier && !(await earlier)) durable.delete(delivery);
    if (!options.deliveries.firstTime(delivery) || durable.has(delivery)) {
      log.info({}, 'redelivered webhook ignored: this delivery was already accepted');
      count(request, 'duplicate');
      return reply.code(202).send({ accepted: false, reason: 'duplicate delivery' });
    }
    let inboxId: string | undefined;
    if (options.inbox) {
      const appended = options.inbox.append({ name, delivery, payload, payloadJson });
      const ok = appended.then(() => true, () => false);
      durable.set(delivery, ok);
      try {
        inboxId = await appended;
      } catch (err) {
        // Not durable, not accepted: forgotten, so that GitHub's redelivery of it is taken as new.
        options.deliveries.forget?.(delivery);
        request.log.warn({ delivery, event: name, err }, 'webhook not accepted: it could not be made durable');
        return refuse(request, reply, 'unavailable', 503, 'not_durable', `previewd could not make the event durable, so it did not accept it: ${err instanceof Error ? err.message : String(err)}. Redeliver it from the webhook's Recent Deliveries once /readyz is 200`);
      } finally {
        // Settled: from here the delivery log answers for it.
        void ok.then(() => durable.delete(delivery));
      }
    }
    const outcome = options.onChecksChanged !== undefined && isChecksEvent(name)
      ? routeChecksEvent(name, payload, delivery, options.onChecksChanged, log, inboxId)
      : options.handle({ name, delivery, payload, ...(inboxId === undefined ? {} : { inboxId }) }, log);
    if (!outcome.accepted) {
      log.info({ reason: outcome.reason }, 'webhook ignored');
      // Nothing to apply: a no-op, retired at once.
      if (inboxId !== undefined) options.inbox?.retire(inboxId);
    }
    count(request, outcome.accepted ? 'accepted' : 'ignored');
    return reply.code(202).send(outcome);
  });
}
