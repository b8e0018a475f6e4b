import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { apiPlugin, type ApiPluginOptions } from './http/api-plugin.ts';
import { dashboardPlugin, type DashboardPluginOptions } from './http/dashboard/dashboard-plugin.ts';
import { healthPlugin, type HealthPluginOptions } from './http/health-plugin.ts';
import { metricsPlugin, type MetricsPluginOptions } from './http/metrics-plugin.ts';
import { registerSecurity, type ApiRateLimit } from './http/register-security.ts';
import { webhooksPlugin, type WebhooksPluginOptions } from './http/webhooks-plugin.ts';

export interface AppDeps {
  logger: FastifyBaseLogger;
  webhooks: WebhooksPluginOptions;
  health: HealthPluginOptions;
  /** The preview API and its OpenAPI document at /docs/json; absent, neither is served. */
  api?: ApiPluginOptions;
  /** The dashboard at `GET /` and `GET /previews/…`; absent, not served. */
  dashboard?: DashboardPluginOptions;
  /** `GET /metrics` for Prometheus; absent, not served. */
  metrics?: MetricsPluginOptions;
  /** The /api/* request limit per client address (default 300 a minute). */
  rateLimit?: ApiRateLimit;
}

const CODES: Record<number, string> = { 400: 'bad_request', 404: 'not_found', 413: 'body_too_large', 415: 'unsupported_media_type', 429: 'too_many_requests' };

/**
 * The HTTP service, built but not listening: everything it needs is passed in, so tests build it with
 * fakes and `previewd serve` with the real adapters. Errors are JSON `{ error, message }`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger, return503OnClosing: true });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.code(status).send({ error: 'internal', message: 'previewd failed to handle the request; the log has the details' });
    }
    const message = status === 413 ? `the body is larger than previewd accepts (${err.message})` : err.message;
    return reply.code(status).send({ error: CODES[status] ?? 'bad_request', message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route for ${request.method} ${request.url}: see the HTTP API in README.md` }));
  await registerSecurity(app, deps.rateLimit);
  await app.register(webhooksPlugin, deps.webhooks);
  await app.register(healthPlugin, deps.health);
  if (deps.metrics) await app.register(metricsPlugin, deps.metrics);
  if (deps.api) await app.register(apiPlugin, deps.api);
  if (deps.dashboard) await app.register(dashboardPlugin, deps.dashboard);
  return app;
}
