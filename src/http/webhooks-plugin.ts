import { Webhooks } from '@octokit/webhooks';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DeliveryLog } from './delivery-log.ts';
import { lazyChildLoggerFactory } from './lazy-child-logger.ts';
import type { WebhookHandler } from './webhook-event.ts';

export interface WebhooksPluginOptions {
  /** The current secret first; older ones are still accepted (rotation). */
  secrets: readonly string[];
  /** Largest body accepted, in bytes; larger gets 413. */
  bodyLimit: number;
  deliveries: DeliveryLog;
  handle: WebhookHandler;
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
 * other route sees a raw body. Answers at once; the handler only enqueues.
 */
export async function webhooksPlugin(app: FastifyInstance, options: WebhooksPluginOptions): Promise<void> {
  const verifiers = options.secrets.map((secret) => new Webhooks({ secret }));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_req, body, done) => done(null, body));

  app.post('/webhooks/github', { bodyLimit: options.bodyLimit, childLoggerFactory: lazyChildLoggerFactory }, async (request, reply) => {
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const signature = header('x-hub-signature-256');
    if (!signature) return fail(reply, 401, 'missing_signature', 'the X-Hub-Signature-256 header is missing: set a secret on the GitHub webhook (the same as WEBHOOK_SECRET)');
    const name = header('x-github-event');
    const delivery = header('x-github-delivery');
    if (!name || !delivery) return fail(reply, 400, 'missing_headers', 'X-GitHub-Event and X-GitHub-Delivery are required: send webhooks the way GitHub does');
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const raw = body.toString('utf8');
    const checks = await Promise.all(verifiers.map((v) => v.verify(raw, signature).catch(() => false)));
    if (!checks.some(Boolean)) return fail(reply, 401, 'bad_signature', 'the signature does not match the body: the webhook secret on GitHub differs from WEBHOOK_SECRET');
    // The delivery's fields go on each line it writes; a child logger per delivery would be made even
    // for the many deliveries that write nothing at the configured level.
    const log = {
      info: (obj: object, msg: string) => request.log.info({ delivery, event: name, ...obj }, msg),
    };
    let payload: unknown;
    try {
      const text = payloadText(raw, header('content-type'));
      if (text === null) throw new Error('no payload field in the form body');
      payload = JSON.parse(text);
    } catch {
      return fail(reply, 400, 'malformed_payload', 'the body is not a JSON webhook payload');
    }
    if (name === 'ping') return reply.code(200).send({ ok: true });
    if (!options.deliveries.firstTime(delivery)) {
      log.info({}, 'redelivered webhook ignored: this delivery was already accepted');
      return reply.code(202).send({ accepted: false, reason: 'duplicate delivery' });
    }
    const outcome = options.handle({ name, delivery, payload }, log);
    if (!outcome.accepted) log.info({ reason: outcome.reason }, 'webhook ignored');
    return reply.code(202).send(outcome);
  });
}
