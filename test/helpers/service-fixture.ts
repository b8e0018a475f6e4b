import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { IsomorphicGitStore } from '../../src/adapters/git/isomorphic-git-store.ts';
import { buildApp } from '../../src/app.ts';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import { createDeliveryLog } from '../../src/http/delivery-log.ts';
import type { Forge, ForgeLifecycle } from '../../src/ports/forge.ts';
import { createReconciler, type Reconciler } from '../../src/reconciler/create-reconciler.ts';
import { createRegistryReader } from '../../src/reconciler/registry-reader.ts';
import { routeWebhook } from '../../src/reconciler/route-webhook.ts';
import { createGitOpsRemote, type GitOpsRemote } from './gitops-remote.ts';
import { skeletonFiles } from './skeleton-files.ts';
import { openStore } from './store-fixture.ts';
import { githubHeaders, type Json } from './webhook-examples.ts';

export const SECRET = 'it is a secret to everybody';

export interface ServiceFixture {
  remote: GitOpsRemote;
  store: IsomorphicGitStore;
  reconciler: Reconciler;
  app: FastifyInstance;
  url: string;
  /** Log lines the service wrote, parsed. */
  logs: Json[];
  /**
   * Stops the service and starts it again on the same clone (as a restart with the same `DATA_DIR`):
   * a new reconciler, a new HTTP server that has seen no delivery yet. The fields above are replaced.
   */
  restart(): Promise<void>;
  /** Sends a delivery over real HTTP, signed like GitHub unless `signature` overrides it. */
  deliver(event: string, payload: Json | string, options?: { delivery?: string; signature?: string | null; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export interface ServiceFixtureOptions {
  forge?: Forge | null;
  /** GitHub's pull requests, for the commands that read one (redeploy) and the resync. */
  lifecycle?: ForgeLifecycle | null;
  /** The service's clock (default: the real one). */
  now?: () => Date;
  bodyLimit?: number;
  concurrency?: number;
  /** Replaces the skeleton's previewd.yaml. */
  registry?: string;
  /** How old the service's view of the GitOps branch may get before it fetches (default: the reconciler's). */
  fetchIntervalMs?: number;
}

export async function startServiceFixture(options: ServiceFixtureOptions = {}): Promise<ServiceFixture> {
  const seed = skeletonFiles();
  if (options.registry !== undefined) seed['previewd.yaml'] = options.registry;
  const remote = await createGitOpsRemote(seed);
  const logs: Json[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Json) });
  const assets = await loadAssets();
  const validators = createConfigValidators(assets.schemas);
  async function startService(): Promise<Pick<ServiceFixture, 'store' | 'reconciler' | 'app' | 'url'>> {
    const store = await openStore(remote);
    const reconciler = createReconciler({
      store, forge: options.forge ?? null, registry: createRegistryReader(store, validators), validators,
      templates: assets.templates, now: options.now ?? (() => new Date()), log: logger, lifecycle: options.lifecycle ?? null, lingerMs: 20, concurrency: options.concurrency ?? 4,
      ...(options.fetchIntervalMs === undefined ? {} : { fetchIntervalMs: options.fetchIntervalMs }),
    });
    const app = await buildApp({
      logger,
      webhooks: { secrets: [SECRET], bodyLimit: options.bodyLimit ?? 1024 * 1024, deliveries: createDeliveryLog(), handle: routeWebhook(reconciler.enqueue) },
      health: { readiness: () => ({ ready: true, reasons: [] }) },
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { store, reconciler, app, url };
  }
  async function stopService(): Promise<void> {
    await fixture.app.close();
    await fixture.reconciler.close();
  }
  let counter = 0;
  const fixture: ServiceFixture = {
    remote, logs, ...(await startService()),
    async restart() {
      await stopService();
      Object.assign(fixture, await startService());
    },
    async deliver(event, payload, opts = {}) {
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const delivery = opts.delivery ?? `delivery-${++counter}-${Date.now()}`;
      const headers = await githubHeaders(SECRET, body, event, delivery);
      if (opts.signature === null) delete headers['x-hub-signature-256'];
      else if (opts.signature !== undefined) headers['x-hub-signature-256'] = opts.signature;
      return fetch(`${fixture.url}/webhooks/github`, { method: 'POST', headers: { ...headers, ...opts.headers }, body });
    },
    async close() {
      await stopService();
      await remote.close();
    },
  };
  return fixture;
}

