import { PREVIEW_ACTIONS } from '../domain/commit-message.ts';

// JSON Schemas of the preview API: Fastify validates requests and serializes responses with them, and
// @fastify/swagger publishes them as OpenAPI. Bodies reject unknown fields, so that a typo ("fro") is a
// 400 and not a silent default.

const nullableString = { type: ['string', 'null'] } as const;

/** `{ error, message }`, the shape of every error previewd answers. */
export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  additionalProperties: false,
  properties: {
    error: { type: 'string', description: 'A stable code, e.g. not_found, bad_request, unauthorized, write_api_off, refused.' },
    message: { type: 'string', description: 'What went wrong and how to fix it.' },
  },
} as const;

function errorResponse(description: string): object {
  return { ...errorSchema, description };
}

/** The environment in the path: GitHub's own name rules, and a PR number that fits GitHub's int32. */
export const envParamsSchema = {
  type: 'object',
  required: ['owner', 'repo', 'pr'],
  additionalProperties: false,
  properties: {
    owner: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,38}$', description: 'the GitHub owner: letters, digits and hyphens, at most 39' },
    repo: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,100}$', not: { enum: ['.', '..'] }, description: "the GitHub repository name: letters, digits, '.', '_' and '-', at most 100" },
    pr: { type: 'integer', minimum: 1, maximum: 2147483647, description: 'the pull request number, 1 to 2147483647' },
  },
} as const;

/** Who a write is recorded for (Preview-Actor): the admin token says who may write, not who did. */
export const actorHeadersSchema = {
  type: 'object',
  properties: {
    'x-preview-actor': { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$', description: 'recorded as Preview-Actor (default: api); letters, digits, ".", "_", "@" and "-"' },
  },
} as const;

export const rollbackBodySchema = {
  type: 'object',
  required: ['to'],
  additionalProperties: false,
  properties: {
    to: { type: 'string', pattern: '^[0-9a-f]{4,40}$', description: "the GitOps commit to restore (4 to 40 lower-case hex digits), one that changed the environment's folder: see its history" },
  },
} as const;

export const preserveBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    for: { type: 'string', pattern: '^[1-9][0-9]{0,5}[mhd]$', default: '48h', description: 'how long to keep the environment past its TTL or the PR\'s close, e.g. 30m, 48h, 7d (capped by the policy)' },
  },
} as const;

export const previewSchema = {
  type: 'object',
  description: "One environment: its preview.json and its live state.",
  required: ['owner', 'repo', 'pr', 'folder', 'id', 'namespace', 'url', 'sha', 'branch', 'author', 'createdAt', 'updatedAt', 'expiresAt', 'preservedUntil', 'state', 'reason', 'commit'],
  properties: {
    owner: { type: 'string' },
    repo: { type: 'string' },
    pr: { type: 'integer' },
    folder: { type: 'string', description: 'previews/<owner>/<repo>/pr-<n>' },
    id: { ...nullableString, description: 'the Argo CD Application name' },
    namespace: nullableString,
    url: nullableString,
    sha: { ...nullableString, description: 'the PR head sha it runs' },
    branch: nullableString,
    author: nullableString,
    createdAt: nullableString,
    updatedAt: nullableString,
    expiresAt: nullableString,
    preservedUntil: nullableString,
    state: { type: 'string', description: "pending, building (waitFor: the head sha's build is not done; the environment, if any, runs its earlier sha), committed, deploying, ready, failed, sleeping, rolled-back, waiting, destroyed, or unknown" },
    reason: nullableString,
    commit: { ...nullableString, description: 'the GitOps commit that last changed the folder' },
    title: { ...nullableString, description: "the PR's title, once previewd has heard of the PR since its start" },
  },
} as const;

export const historyRecordSchema = {
  type: 'object',
  required: ['commit', 'action', 'subject', 'sha', 'actor', 'delivery', 'author', 'time', 'removed'],
  properties: {
    commit: { type: 'string', description: 'the GitOps commit' },
    action: { type: 'string', enum: [...PREVIEW_ACTIONS, 'manual'], description: 'Preview-Action, or manual for a commit previewd did not make' },
    subject: { type: 'string' },
    sha: { ...nullableString, description: 'the app sha it deployed (Preview-Sha)' },
    actor: { type: 'string', description: "Preview-Actor, or a manual commit's author" },
    delivery: { ...nullableString, description: 'the GitHub delivery that caused it (Preview-Delivery)' },
    author: { type: 'object', required: ['name', 'email'], properties: { name: { type: 'string' }, email: { type: 'string' } } },
    time: { type: 'string', description: 'commit time, ISO 8601' },
    removed: { type: 'boolean', description: 'the folder is gone after this commit' },
  },
} as const;

/** A write that went through: committed, or nothing to change. */
export const writeResultSchema = {
  type: 'object',
  description: 'Committed (status committed, with the GitOps commit), or nothing to change (status unchanged).',
  required: ['status', 'message'],
  properties: {
    status: { type: 'string', enum: ['committed', 'unchanged'] },
    commit: { type: 'string', description: 'the GitOps commit made (status committed)' },
    message: { type: 'string' },
  },
} as const;

/** The error responses every route may give. */
export const readErrors = {
  400: errorResponse('The path does not name an environment (the message says which part).'),
  404: errorResponse('No such environment in the GitOps repository (error not_found).'),
  500: errorResponse('previewd failed; the log has the details.'),
} as const;

/** And those of the write routes. */
export const writeErrors = {
  ...readErrors,
  400: errorResponse('The path or the body is not valid (the message says which field).'),
  401: { ...errorResponse('The admin token is missing or wrong (error unauthorized); see the WWW-Authenticate header.'), headers: { 'www-authenticate': { type: 'string' } } },
  403: errorResponse('The write API is off: previewd runs without ADMIN_TOKEN (error write_api_off).'),
  409: errorResponse('previewd refused the change; the message says why (error refused).'),
} as const;

/** The security requirement of the write routes: the `adminToken` bearer scheme. */
export const adminSecurity = [{ adminToken: [] }];

/** The OpenAPI security scheme behind {@link adminSecurity}. */
export const adminSecurityScheme = {
  type: 'http',
  scheme: 'bearer',
  description: 'The ADMIN_TOKEN previewd runs with; unset, the write routes answer 403 write_api_off.',
} as const;
