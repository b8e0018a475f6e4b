// The ingest bench's baseline, run as its own process: the same Fastify as previewd, one route that
// answers 202 like previewd's, and Fastify's own JSON content parser, so that the body is read and
// parsed as in previewd but nothing else is done (no signature, no logger, no event handling).
// Prints its URL as the first line of stdout; exits on SIGTERM.
import Fastify from 'fastify';

// previewd's webhook body limit (src/service/start-service.ts), so both read bodies under the same rule.
const BODY_LIMIT = 5 * 1024 * 1024;

const app = Fastify({ bodyLimit: BODY_LIMIT });
app.post('/webhooks/github', async (_request, reply) => reply.code(202).send({ accepted: true }));
app.get('/healthz', async () => ({ status: 'ok' }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
