import { readFile } from 'node:fs/promises';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EnvRef } from '../domain/environment.ts';
import { adminAuth } from './admin-auth.ts';
import {
  actorHeadersSchema, adminSecurity, adminSecurityScheme, envParamsSchema, historyRecordSchema, preserveBodySchema,
  previewSchema, readErrors, rollbackBodySchema, writeErrors, writeResultSchema,
} from './api-schemas.ts';
import { apiValidatorCompiler, formatApiValidationErrors } from './api-validation.ts';
import type { ActionOutcome, PreviewApi } from './preview-api.ts';

/** What the preview API needs: previewd's reads and writes, and the admin token (null: writes off). */
export interface ApiPluginOptions {
  api: PreviewApi;
  /** `ADMIN_TOKEN`; null turns the write routes off (403 write_api_off). */
  adminToken: string | null;
}

const PREFIX = '/api/previews/:owner/:repo/:pr';
const DEFAULT_ACTOR = 'api';

interface EnvRoute {
  Params: EnvRef;
  Headers: { 'x-preview-actor'?: string };
}

// src/http/ and dist/http/ both sit two levels below the package root.
async function packageVersion(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
}

function notFound(reply: FastifyReply, env: EnvRef): FastifyReply {
  return reply.code(404).send({ error: 'not_found', message: `there is no environment ${env.owner}/${env.repo}#${env.pr} in the GitOps repository: GET /api/previews lists them` });
}

// Committed and unchanged are successes (200); a refusal is a conflict with previewd's rules (409).
function sendOutcome(reply: FastifyReply, outcome: ActionOutcome): FastifyReply {
  switch (outcome.status) {
    case 'committed':
      return reply.code(200).send({ status: 'committed', commit: outcome.commit, message: outcome.message });
    case 'unchanged':
      return reply.code(200).send({ status: 'unchanged', message: outcome.message });
    case 'refused':
      return reply.code(409).send({ error: 'refused', message: outcome.message });
    case 'not-found':
      return reply.code(404).send({ error: 'not_found', message: outcome.message });
  }
}

function envOf(params: EnvRef): EnvRef {
  return { owner: params.owner, repo: params.repo, pr: params.pr };
}

/**
 * The preview API (DESIGN.md, "HTTP API"): reads of the environments and their GitOps history, and,
 * with `Authorization: Bearer <ADMIN_TOKEN>`, rollback, preserve and destroy. Every route has JSON
 * Schemas, so Fastify validates what comes in and serializes what goes out, and `GET /docs/json`
 * serves them as OpenAPI. Encapsulated (no fastify-plugin): its validator, error formatter and
 * @fastify/swagger stay in this scope, and the webhook route's raw-body parsing stays in its own.
 */
export async function apiPlugin(app: FastifyInstance, options: ApiPluginOptions): Promise<void> {
  const { api } = options;
  app.setValidatorCompiler(apiValidatorCompiler());
  app.setSchemaErrorFormatter(formatApiValidationErrors);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'previewd', version: await packageVersion(), description: 'Preview environments for pull requests, the GitOps way: the environments, their GitOps history, and rollback, preserve and destroy.' },
      components: { securitySchemes: { adminToken: adminSecurityScheme } },
    },
  });
  const onRequest = adminAuth(options.adminToken);
  const tags = ['previews'];

  // GET /docs: the API explorer; it also serves the document at /docs/json (and /docs/yaml).
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: false } });

  app.get('/api/previews', {
    schema: {
      tags, operationId: 'listPreviews', summary: 'Every environment in the GitOps tree, with its live state',
      response: { 200: { type: 'object', description: 'The environments.', required: ['previews'], properties: { previews: { type: 'array', items: previewSchema } } }, 500: readErrors[500] },
    },
  }, async () => ({ previews: await api.list() }));

  app.get<EnvRoute>(PREFIX, {
    schema: { tags, operationId: 'getPreview', summary: 'One environment', params: envParamsSchema, response: { 200: previewSchema, ...readErrors } },
  }, async (request, reply) => {
    const env = envOf(request.params);
    const preview = await api.get(env);
    return preview === null ? notFound(reply, env) : preview;
  });

  app.get<EnvRoute>(`${PREFIX}/history`, {
    schema: {
      tags, operationId: 'getPreviewHistory', summary: "The environment's GitOps commits, newest first: action, app sha, actor, delivery, time",
      params: envParamsSchema,
      response: { 200: { type: 'object', description: 'Its commits, newest first.', required: ['commits'], properties: { commits: { type: 'array', items: historyRecordSchema } } }, ...readErrors },
    },
  }, async (request, reply) => {
    const env = envOf(request.params);
    const commits = await api.history(env);
    return commits === null ? notFound(reply, env) : { commits };
  });

  const write = { tags, security: adminSecurity, params: envParamsSchema, headers: actorHeadersSchema, response: { 200: writeResultSchema, ...writeErrors } };

  app.post<EnvRoute & { Body: { to: string } }>(`${PREFIX}/rollback`, {
    onRequest, schema: { ...write, operationId: 'rollbackPreview', summary: "Restore the environment's folder to an earlier GitOps commit, in a new commit", body: rollbackBodySchema },
  }, async (request, reply) =>
    sendOutcome(reply, await api.rollback(envOf(request.params), request.body.to, request.headers['x-preview-actor'] ?? DEFAULT_ACTOR)));

  app.post<EnvRoute & { Body: { for: string } }>(`${PREFIX}/preserve`, {
    onRequest, schema: { ...write, operationId: 'preservePreview', summary: 'Keep the environment past its TTL or its PR\'s close', body: preserveBodySchema },
  }, async (request, reply) =>
    sendOutcome(reply, await api.preserve(envOf(request.params), request.body.for, request.headers['x-preview-actor'] ?? DEFAULT_ACTOR)));

  app.delete<EnvRoute>(PREFIX, {
    onRequest, schema: { ...write, operationId: 'destroyPreview', summary: 'Destroy the environment now (its folder is removed in a commit)' },
  }, async (request, reply) =>
    sendOutcome(reply, await api.destroy(envOf(request.params), request.headers['x-preview-actor'] ?? DEFAULT_ACTOR)));
}
