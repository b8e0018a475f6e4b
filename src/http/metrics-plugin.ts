import type { FastifyInstance } from 'fastify';

export interface MetricsPluginOptions {
  /** The Prometheus text exposition format's content type (`text/plain; version=0.0.4`). */
  contentType: string;
  /** Every metric in that format, read now. */
  scrape(): Promise<string>;
}

/** `GET /metrics` for Prometheus. Unauthenticated like /healthz: it holds counts, never names or secrets. */
export async function metricsPlugin(app: FastifyInstance, options: MetricsPluginOptions): Promise<void> {
  app.get('/metrics', async (_request, reply) => reply.type(options.contentType).send(await options.scrape()));
}
