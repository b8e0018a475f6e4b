import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The preview API's request limit, per client address. */
export interface ApiRateLimit {
  max: number;
  timeWindowMs: number;
}

export const DEFAULT_API_RATE_LIMIT: ApiRateLimit = { max: 300, timeWindowMs: 60_000 };

// Matched on the route's pattern, not the raw URL: an encoded or oddly spelled path cannot slip out of
// the limit, and the webhook route (GitHub sends bursts from a few addresses), the probes and /metrics
// (scraped on a schedule) can never fall under it.
function isApiRoute(request: FastifyRequest): boolean {
  const route = request.routeOptions.url ?? '';
  return route === '/api' || route.startsWith('/api/');
}

/**
 * Security headers on every answer (helmet's defaults: a JSON API loses nothing to them, and /docs/json
 * is JSON too), from one helmet middleware made at start: @fastify/helmet built a new one for every
 * request, parsing its policies again (a few per cent of the webhook route's time) and the request limit on /api/* only. No CORS plugin is registered: browsers
 * on other origins get no Access-Control-Allow-Origin, so they cannot read the API.
 * The limit runs as a root onRequest hook, so before any route's own hooks: a request with a wrong admin
 * token is counted (and refused once over the limit) before the token is checked, which caps guessing.
 */
export async function registerSecurity(app: FastifyInstance, limit: ApiRateLimit = DEFAULT_API_RATE_LIMIT): Promise<void> {
  const securityHeaders = helmet();
  app.addHook('onRequest', function setSecurityHeaders(request, reply, done) {
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err === undefined ? undefined : err instanceof Error ? err : new Error(String(err))));
  });
  await app.register(rateLimit, { global: false });
  const limiter = app.rateLimit({
    max: limit.max,
    timeWindow: limit.timeWindowMs,
    // Thrown to buildApp's error handler, which answers { error: 'too_many_requests', message }.
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `more than ${context.max} API requests from this address within ${Math.round(limit.timeWindowMs / 1000)} s: retry in ${context.after}`,
    }),
  });
  app.addHook('onRequest', async function limitApi(request, reply) {
    if (isApiRoute(request)) await limiter.call(app, request, reply);
  });
}
