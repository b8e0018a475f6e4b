import { join } from 'node:path';
import { pino } from 'pino';
import { createOctokitForge } from '../src/adapters/github/octokit-forge.ts';
import type { Assets } from '../src/assets/load-assets.ts';
import { loadSettings } from '../src/domain/load-settings.ts';
import { startService, type RunningService, type ServiceDeps } from '../src/service/start-service.ts';
import type { FakeGitHub } from '../test/helpers/fake-github.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { startGitHttpServer } from '../test/helpers/git-http-server.ts';
import { createBareRepoWith } from './gitops-fixture.ts';

/** The service under a bench, and how to stop it with its git server. */
export interface BenchService {
  running: RunningService;
  close(): Promise<void>;
}

/**
 * previewd in this process, without its schedule or a cluster, on a GitOps remote seeded with `files`
 * (git http-backend on loopback) and the GitHub fake with `token`: what the resync benches measure.
 * Writes are not paced, so that a round's figures are previewd's, not the throttle's.
 */
export async function startServiceOnRemote(
  work: string, github: FakeGitHub, token: string, assets: Assets, seed: { files: Iterable<[string, string]>; message: string },
  deps: Partial<Pick<ServiceDeps, 'reportDebounceMs'>> & { checks?: boolean } = {},
): Promise<BenchService> {
  await createBareRepoWith(join(work, 'srv', 'gitops.git'), [...seed.files], seed.message);
  const server = await startGitHttpServer({ root: join(work, 'srv') });
  const loaded = loadSettings({
    PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(work, 'data'), WEBHOOK_SECRET: 'bench', GITOPS_REPO_URL: server.url('gitops.git'),
    GITHUB_TOKEN: token, GITHUB_API_URL: github.url, LOG_LEVEL: 'warn',
  }, assets.settingsSchema, work);
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const log = pino({ level: 'warn' });
  const forge = createOctokitForge({ baseUrl: github.url, auth: { kind: 'token', token }, log, throttle: { writeIntervalMs: 0 } });
  const running = await startService({
    settings: loaded.settings, assets, log, forge, reports: forge, lifecycle: forge, cluster: null, schedule: false,
    ...(deps.checks ? { checks: forge } : {}), ...(deps.reportDebounceMs === undefined ? {} : { reportDebounceMs: deps.reportDebounceMs }),
  });
  return {
    running,
    async close() {
      await running.stop();
      await server.close();
    },
  };
}
