import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { createOctokitForge } from '../../src/adapters/github/octokit-forge.ts';
import type { PrometheusMetrics } from '../../src/adapters/metrics.ts';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { loadSettings } from '../../src/domain/load-settings.ts';
import { createCluster } from '../../src/service/create-cluster.ts';
import { startService, type RunningService, type ServiceDeps } from '../../src/service/start-service.ts';
import { createFakeArgoCd, type FakeArgoCd } from './fake-argocd.ts';
import { createFakeGitHub, type FakeGitHub } from './fake-github.ts';
import { createFakeKube, type FakeKube } from './fake-kube.ts';
import { freePort } from './free-port.ts';
import { createGitOpsRemote, type GitOpsRemote } from './gitops-remote.ts';
import { pollDelay } from './poll-delay.ts';
import { SECRET } from './service-fixture.ts';
import { skeletonFiles } from './skeleton-files.ts';
import { githubHeaders, type Json } from './webhook-examples.ts';

export const GITHUB_TOKEN = 'ghp_feedbackTestToken0123456789abcdefAB';

/** The whole loop on loopback: previewd, a git http-backend remote, the fake GitHub, the fake Kubernetes API and Argo CD's part. */
export interface FeedbackFixture {
  service: RunningService;
  remote: GitOpsRemote;
  github: FakeGitHub;
  kube: FakeKube;
  argo: FakeArgoCd;
  deliver(event: string, payload: Json): Promise<Response>;
  /** Polls until `check` holds (bounded), then returns its value. */
  until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export interface FeedbackFixtureOptions {
  reportDebounceMs?: number;
  /** The service's clock (TTL and preserve tests move it). */
  now?: () => Date;
  /** Extra settings (e.g. ADMIN_TOKEN). */
  env?: Record<string, string>;
  /** Replaces the skeleton's previewd.yaml. */
  registry?: string;
  /** Counted into by GitHub, the watch and the service, and served at /metrics. */
  metrics?: PrometheusMetrics;
  /** How soon /readyz gives up on a silent GitOps remote (tests shorten the minute). */
  remoteCheck?: ServiceDeps['remoteCheck'];
  /** The service's logger (default: pino at warn to stdout); a test that reads every line passes its own. */
  log?: Logger;
  /** The GitHub token the fake accepts and previewd uses (default GITHUB_TOKEN). */
  githubToken?: string;
  /** previewd as a GitHub App instead of a token: its key, and the account its installation is on. */
  githubApp?: { appId: number; privateKey: string; installations: Record<number, string> };
  /** Basic-auth credentials the GitOps remote demands (given to previewd as GITOPS_USERNAME/GITOPS_TOKEN). */
  gitopsAuth?: { username: string; password: string };
  /** How soon a wait for an image tag looks again (tests shorten it). */
  imageRecheck?: ServiceDeps['imageRecheck'];
  /** Runs before the GitOps remote serves each request (a test holds or fails them). */
  beforeRemoteRequest?: (method: string, path: string) => Promise<void>;
}

export async function startFeedbackFixture(options: FeedbackFixtureOptions = {}): Promise<FeedbackFixture> {
  const seed = skeletonFiles();
  if (options.registry !== undefined) seed['previewd.yaml'] = options.registry;
  const remote = await createGitOpsRemote(seed, {
    ...(options.gitopsAuth ? { auth: options.gitopsAuth } : {}), ...(options.beforeRemoteRequest ? { beforeRequest: options.beforeRemoteRequest } : {}),
  });
  const github = await createFakeGitHub();
  const token = options.githubToken ?? GITHUB_TOKEN;
  github.addToken(token);
  const app = options.githubApp;
  if (app) github.addApp({ appId: app.appId, key: app.privateKey, installations: app.installations });
  const githubEnv: Record<string, string> = app ? { GITHUB_APP_ID: String(app.appId), GITHUB_APP_PRIVATE_KEY: app.privateKey } : { GITHUB_TOKEN: token };
  const gitopsEnv: Record<string, string> = options.gitopsAuth ? { GITOPS_USERNAME: options.gitopsAuth.username, GITOPS_TOKEN: options.gitopsAuth.password } : {};
  const kube = await createFakeKube();
  const argo = await createFakeArgoCd(kube, remote.bare);
  const dataDir = await mkdtemp(join(tmpdir(), 'previewd-feedback-'));
  const assets = await loadAssets();
  const loaded = loadSettings({
    PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, WEBHOOK_SECRET: SECRET, GITOPS_REPO_URL: remote.url,
    ...githubEnv, ...gitopsEnv, GITHUB_API_URL: github.url, KUBECONFIG: await kube.writeKubeconfig(dataDir), LOG_LEVEL: 'warn', ...options.env,
  }, assets.settingsSchema, dataDir);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const log = options.log ?? pino({ level: 'warn' });
  const auth = app ? { kind: 'app' as const, appId: app.appId, privateKey: app.privateKey } : { kind: 'token' as const, token };
  const forge = createOctokitForge({ baseUrl: github.url, auth, log, retryBaseDelayMs: 5, throttle: { writeIntervalMs: 0 }, ...(options.metrics ? { metrics: options.metrics } : {}) });
  const service = await startService({
    settings: loaded.settings, assets, log, forge, reports: forge, lifecycle: forge, checks: forge, cluster: await createCluster(loaded.settings, log, options.metrics),
    reportDebounceMs: options.reportDebounceMs ?? 200, lingerMs: 20, schedule: false, ...(options.now ? { now: options.now } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}), ...(options.remoteCheck ? { remoteCheck: options.remoteCheck } : {}),
    ...(options.imageRecheck ? { imageRecheck: options.imageRecheck } : {}),
  });
  let counter = 0;
  return {
    service, remote, github, kube, argo,
    async deliver(event, payload) {
      const body = JSON.stringify(payload);
      return fetch(`${service.url}/webhooks/github`, { method: 'POST', headers: await githubHeaders(SECRET, body, event, `fb-${++counter}`), body });
    },
    async until(what, check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const looked = Date.now();
        const value = await check();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, pollDelay(Date.now() - looked)));
      }
    },
    async close() {
      await service.stop();
      await Promise.all([github.close(), kube.close(), remote.close()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
