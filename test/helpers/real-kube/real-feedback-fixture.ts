import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createOctokitForge } from '../../../src/adapters/github/octokit-forge.ts';
import { loadAssets } from '../../../src/assets/load-assets.ts';
import { loadSettings } from '../../../src/domain/load-settings.ts';
import { createCluster } from '../../../src/service/create-cluster.ts';
import { startService, type RunningService } from '../../../src/service/start-service.ts';
import { GITHUB_TOKEN } from '../feedback-fixture.ts';
import { createFakeGitHub, type FakeGitHub } from '../fake-github.ts';
import { freePort } from '../free-port.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../gitops-remote.ts';
import { pollDelay } from '../poll-delay.ts';
import type { RealKube } from '../real-kube.ts';
import { SECRET } from '../service-fixture.ts';
import { skeletonFiles } from '../skeleton-files.ts';
import { githubHeaders, type Json } from '../webhook-examples.ts';
import { createRealArgoCd, type RealArgoCd } from './real-argocd.ts';

/** The whole loop with a real kube-apiserver: previewd under its own ServiceAccount (argocd/rbac.yaml), the git remote, the GitHub fake. */
export interface RealFeedbackFixture {
  service: RunningService;
  remote: GitOpsRemote;
  github: FakeGitHub;
  argo: RealArgoCd;
  /** previewd's log lines at warn and above, as written. */
  warnings: string[];
  deliver(event: string, payload: Json): Promise<Response>;
  until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startRealFeedbackFixture(kube: RealKube, options: { reportDebounceMs?: number; env?: (remote: GitOpsRemote) => Record<string, string> } = {}): Promise<RealFeedbackFixture> {
  const remote = await createGitOpsRemote(skeletonFiles());
  const github = await createFakeGitHub();
  github.addToken(GITHUB_TOKEN);
  // The repository exists on GitHub before a webhook names it (the fake makes it on first mention).
  github.repo('demo/app');
  // The Applications name the remote previewd pushes to, as an ApplicationSet set up for it does.
  const argo = await createRealArgoCd(kube, remote.bare, remote.url);
  const dataDir = await mkdtemp(join(tmpdir(), 'previewd-real-feedback-'));
  const assets = await loadAssets();
  const loaded = loadSettings({
    PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, WEBHOOK_SECRET: SECRET, GITOPS_REPO_URL: remote.url,
    GITHUB_TOKEN, GITHUB_API_URL: github.url, KUBECONFIG: await kube.writeKubeconfig(dataDir, 'previewd'), LOG_LEVEL: 'warn', ...options.env?.(remote),
  }, assets.settingsSchema, dataDir);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const warnings: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const forge = createOctokitForge({ baseUrl: github.url, auth: { kind: 'token', token: GITHUB_TOKEN }, log, retryBaseDelayMs: 5, throttle: { writeIntervalMs: 0 } });
  const service = await startService({
    settings: loaded.settings, assets, log, forge, reports: forge, lifecycle: forge, cluster: await createCluster(loaded.settings, log),
    reportDebounceMs: options.reportDebounceMs ?? 200, lingerMs: 20, schedule: false,
  });
  let counter = 0;
  return {
    service, remote, github, argo, warnings,
    async deliver(event, payload) {
      const body = JSON.stringify(payload);
      return fetch(`${service.url}/webhooks/github`, { method: 'POST', headers: await githubHeaders(SECRET, body, event, `rfb-${++counter}`), body });
    },
    async until(what, check, timeoutMs = 20_000) {
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
      await Promise.all([github.close(), remote.close()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
