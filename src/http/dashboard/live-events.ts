import type { FastifyInstance } from 'fastify';
import { envLabel } from '../../domain/environment.ts';
import type { PreviewApi } from '../preview-api.ts';

const HEARTBEAT_MS = 20_000;
const MAX_STREAMS = 200;

/**
 * `GET /events`: server-sent events, one `change` event (data: `{"env":"owner/repo#n"}`) whenever an
 * environment may have changed; the page's script then fetches the page again. Comments keep idle
 * proxies from closing the stream. Streams end when the app closes (preClose), so that closing never
 * waits for browsers; past MAX_STREAMS a new one is refused with 503 and the page stays static.
 */
export function registerLiveEvents(app: FastifyInstance, api: Pick<PreviewApi, 'subscribe'>): void {
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  app.get('/events', { schema: { hide: true } }, (request, reply) => {
    if (streams.size >= MAX_STREAMS) return reply.code(503).header('retry-after', '30').send({ error: 'busy', message: 'too many live pages are open; reload later' });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', connection: 'keep-alive' });
    res.write('retry: 3000\n: live\n\n');
    const unsubscribe = api.subscribe((env) => {
      res.write(`event: change\ndata: ${JSON.stringify({ env: envLabel(env) })}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    let ended = false;
    function end(): void {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(end);
      res.end();
    }
    streams.add(end);
    request.raw.on('close', end);
    res.on('error', end);
    return undefined;
  });
}
