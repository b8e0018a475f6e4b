import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { envLabel, type EnvRef } from '../../src/domain/environment.ts';
import { createDeliveryLog } from '../../src/http/delivery-log.ts';
import type { ActionOutcome, PreviewApi, PreviewSummary } from '../../src/http/preview-api.ts';
import type { WebhookEvent } from '../../src/http/webhook-event.ts';
import type { HistoryRecord } from '../../src/ports/gitops-store.ts';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
export const WEBHOOK_SECRET = 'it is a secret to everybody';

/** A PreviewApi over one known environment, acme/shop#1; records every write it is asked for. */
export interface FakePreviewApi extends PreviewApi {
  writes: Array<{ action: string; env: EnvRef; arg?: string; actor: string }>;
  /** The outcome the next write answers (committed by default). */
  next: ActionOutcome | null;
  failReads: boolean;
}

export function summary(env: EnvRef): PreviewSummary {
  return {
    owner: env.owner, repo: env.repo, pr: env.pr, folder: `previews/${env.owner}/${env.repo}/pr-${env.pr}`,
    id: 'shop-pr-1-acme', namespace: 'pv-shop-pr-1', url: 'https://pv-shop-pr-1.preview.example.com', sha: 'a'.repeat(40),
    branch: 'feature', author: 'octocat', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-02T00:00:00.000Z',
    expiresAt: '2025-01-05T00:00:00.000Z', preservedUntil: null, state: 'ready', reason: null, commit: 'c'.repeat(40),
  };
}

export const record: HistoryRecord = {
  commit: 'c'.repeat(40), action: 'create', subject: 'preview(acme/shop#1): create at aaaaaaa', sha: 'a'.repeat(40), actor: 'octocat',
  delivery: 'delivery-1', author: { name: 'previewd', email: 'previewd@localhost' }, time: '2025-01-01T00:00:00.000Z', removed: false,
};

export function createFakePreviewApi(): FakePreviewApi {
  const known = (env: EnvRef): boolean => envLabel(env) === 'acme/shop#1';
  const fake: FakePreviewApi = {
    writes: [],
    next: null,
    failReads: false,
    async list() {
      if (fake.failReads) throw new Error('the GitOps clone is broken');
      // An extra field the schema does not name: serialization leaves it out.
      return [{ ...summary({ owner: 'acme', repo: 'shop', pr: 1 }), internal: 'not for the wire' } as PreviewSummary];
    },
    get: async (env) => (known(env) ? summary(env) : null),
    history: async (env) => (known(env) ? [record] : null),
    rollback: async (env, to, actor) => write('rollback', env, actor, to),
    preserve: async (env, duration, actor) => write('preserve', env, actor, duration),
    destroy: async (env, actor) => write('destroy', env, actor),
    redeploy: async (env, actor) => write('redeploy', env, actor),
    files: async (env) => (known(env) ? new Map([['preview.json', '{}']]) : null),
    live: async () => null,
    subscribe: () => () => undefined,
  };
  function write(action: string, env: EnvRef, actor: string, arg?: string): ActionOutcome {
    fake.writes.push({ action, env, actor, ...(arg === undefined ? {} : { arg }) });
    if (!known(env)) return { status: 'not-found', message: `no environment ${envLabel(env)}` };
    const outcome = fake.next ?? { status: 'committed', commit: 'd'.repeat(40), message: `${action} committed` };
    fake.next = null;
    return outcome;
  }
  return fake;
}

/** buildApp with the fake API beside a webhook route whose handler records what it was handed. */
export async function buildApiApp(adminToken: string | null): Promise<{ app: FastifyInstance; api: FakePreviewApi; events: WebhookEvent[] }> {
  const api = createFakePreviewApi();
  const events: WebhookEvent[] = [];
  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    webhooks: { secrets: [WEBHOOK_SECRET], bodyLimit: 1024 * 1024, deliveries: createDeliveryLog(), handle: (event) => (events.push(event), { accepted: true }) },
    health: { readiness: () => ({ ready: true, reasons: [] }) },
    api: { api, adminToken },
  });
  await app.ready();
  return { app, api, events };
}
