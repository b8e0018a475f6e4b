import type { FastifyInstance } from 'fastify';

/** Whether previewd can do its work now, and if not, why (for people reading /readyz). */
export interface Readiness {
  ready: boolean;
  reasons: string[];
}

export interface HealthPluginOptions {
  readiness: () => Readiness;
}

/** `/healthz`: the process answers. `/readyz`: it can do its work (503 with the reasons when not). */
export async function healthPlugin(app: FastifyInstance, options: HealthPluginOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, reasons } = options.readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', reasons });
  });
}
