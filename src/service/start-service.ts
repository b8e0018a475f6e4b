import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { IsomorphicGitStore } from '../adapters/git/isomorphic-git-store.ts';
import { ensureWebhookSecret } from '../adapters/webhook-secret.ts';
import { buildApp } from '../app.ts';
import type { Assets } from '../assets/load-assets.ts';
import { createConfigValidators } from '../domain/config-validators.ts';
import { describeSettings } from '../domain/describe-settings.ts';
import type { Settings } from '../domain/load-settings.ts';
import { createDeliveryLog } from '../http/delivery-log.ts';
import type { Forge } from '../ports/forge.ts';
import { createReconciler, type Reconciler } from '../reconciler/create-reconciler.ts';
import { createRegistryReader } from '../reconciler/registry-reader.ts';
import { routeWebhook } from '../reconciler/route-webhook.ts';
import { openGitOpsStore } from './open-gitops-store.ts';

export interface ServiceDeps {
  settings: Settings;
  assets: Assets;
  log: Logger;
  /** null when GitHub reporting is off. */
  forge: Forge | null;
  now?: () => Date;
  /** Largest webhook body accepted (GitHub caps payloads at 25 MB; pull requests are far smaller). */
  webhookBodyLimit?: number;
  lingerMs?: number;
}

export interface RunningService {
  app: FastifyInstance;
  url: string;
  store: IsomorphicGitStore;
  reconciler: Reconciler;
  /** Stops taking events, finishes and publishes what was accepted, then closes. */
  stop(): Promise<void>;
}

/** Wires settings → adapters → app, and listens. Everything it says at start goes to the log once. */
export async function startService(deps: ServiceDeps): Promise<RunningService> {
  const { settings, log } = deps;
  await mkdir(settings.dataDir, { recursive: true });
  const secrets = settings.webhookSecret !== null ? [settings.webhookSecret] : await generatedSecret(settings.dataDir, log);
  const { store, created } = await openGitOpsStore(settings, { log });
  if (created && settings.gitops.kind === 'local') log.info({ dir: settings.gitops.dir }, 'created a local GitOps repository from the skeleton');
  for (const line of describeSettings(settings)) log.info(line);
  const validators = createConfigValidators(deps.assets.schemas);
  const reconciler = createReconciler({
    store, forge: deps.forge, registry: createRegistryReader(store, validators), validators, templates: deps.assets.templates,
    now: deps.now ?? (() => new Date()), log, ...(deps.lingerMs === undefined ? {} : { lingerMs: deps.lingerMs }),
  });
  const app = await buildApp({
    logger: log,
    webhooks: { secrets, bodyLimit: deps.webhookBodyLimit ?? 5 * 1024 * 1024, deliveries: createDeliveryLog(), handle: routeWebhook(reconciler.enqueue) },
    health: {
      readiness: () => {
        const err = reconciler.publisher.lastError();
        return err === null
          ? { ready: true, reasons: [] }
          : { ready: false, reasons: [`publishing to the GitOps repository fails: ${err instanceof Error ? err.message : String(err)}`] };
      },
    },
  });
  const url = await app.listen({ host: settings.host, port: settings.port });
  log.info({ url, webhook: `${url}/webhooks/github` }, 'previewd is listening');
  return {
    app, url, store, reconciler,
    async stop() {
      log.info({ queued: reconciler.queueDepth() }, 'stopping: no new events; finishing and publishing what was accepted');
      await app.close();
      await reconciler.close();
      log.info({}, 'stopped');
    },
  };
}

async function generatedSecret(dataDir: string, log: Logger): Promise<string[]> {
  const { secret, path, created } = await ensureWebhookSecret(dataDir);
  log.info({ path }, created
    ? 'WEBHOOK_SECRET is not set: generated a webhook secret; give GitHub the content of this file'
    : 'WEBHOOK_SECRET is not set: using the webhook secret generated earlier in this file');
  return [secret];
}
