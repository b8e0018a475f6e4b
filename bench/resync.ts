import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { loadAssets } from '../src/assets/load-assets.ts';
import { skeletonDir } from '../src/assets/package-root.ts';
import { createConfigValidators } from '../src/domain/config-validators.ts';
import { findApp } from '../src/domain/find-app.ts';
import { loadServiceConfig } from '../src/domain/load-config.ts';
import { renderOverlay } from '../src/domain/render-overlay.ts';
import { createFakeGitHub } from '../test/helpers/fake-github.ts';
import { startServiceOnRemote } from './service-on-remote.ts';
import { round } from './stats.ts';
import { benchWaitingChecks } from './waiting-checks.ts';
import { benchWaitingService } from './waiting-service.ts';

const REPOS = 50;
const PULLS = 40;
const TOKEN = 'ghp_resyncBenchToken0123456789abcdefABCD';
const sha = (r: number, n: number): string => `${r.toString(16).padStart(4, '0')}${n.toString(16).padStart(4, '0')}`.padEnd(40, 'a');

async function skeleton(): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory() || (entry.isSymbolicLink() && !entry.name.includes('.'))) await walk(full);
      else out.push([relative(skeletonDir(), full), await readFile(full, 'utf8')]);
    }
  }
  await walk(skeletonDir());
  return out;
}

/** `npm run bench -- resync`: one full round over 50 repos × 40 open PRs with nothing to change. */
export async function benchResync(_args: string[]): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'previewd-resync-'));
  const github = await createFakeGitHub();
  github.addToken(TOKEN);
  github.addOrg('bench');
  const assets = await loadAssets();
  const validators = createConfigValidators(assets.schemas);
  const files = new Map(await skeleton());
  const registry = parseDocument(files.get('previewd.yaml') ?? '');
  registry.setIn(['apps', 0, 'repo'], 'bench/*');
  files.set('previewd.yaml', registry.toString());
  const service = loadServiceConfig(files.get('previewd.yaml') ?? '', validators);
  if (!service.ok) throw new Error('the bench registry is invalid');
  // The environments as previewd would have committed them: rendered, at the PRs' current heads, and
  // created now, so that the TTL (72 h) expires none of them in the measured round, whatever the date.
  const seededAt = new Date();
  for (let r = 0; r < REPOS; r++) {
    const repo = github.repo(`bench/svc${r}`);
    for (let n = 1; n <= PULLS; n++) {
      repo.setPull(n, { state: 'open', headSha: sha(r, n), headRef: `feature-${n}`, user: 'octocat' });
      const env = { owner: 'bench', repo: `svc${r}`, pr: n };
      const app = findApp(service.value, env.owner, env.repo);
      if (!app) throw new Error('bench/* does not match');
      const rendered = renderOverlay({ pr: { ...env, sha: sha(r, n), branch: `feature-${n}`, author: 'octocat', now: seededAt }, service: service.value, app, config: { enabled: true }, templates: assets.templates });
      if (!rendered.ok) throw new Error('render failed');
      for (const [name, content] of rendered.value.files) files.set(`${rendered.value.folder}/${name}`, content);
    }
  }
  const { running, close } = await startServiceOnRemote(work, github, TOKEN, assets, { files, message: `Seed ${REPOS * PULLS} environments` });
  try {
    const first = await running.resync(); // learns the ETags
    await running.reconciler.idle();
    const requests = github.requests.length;
    const points = github.rateLimitUsed();
    const head = await running.store.head();
    const start = performance.now();
    const report = await running.resync();
    await running.reconciler.idle();
    const wall = performance.now() - start;
    const calls = github.requests.length - requests;
    const spent = github.rateLimitUsed() - points;
    const changed = (await running.store.head()) !== head;
    console.log(`\nresync: ${REPOS} repositories × ${PULLS} open PRs (${REPOS * PULLS} environments), nothing to change; ${cpus().length} cores, node ${process.version}`);
    console.log(`first round (learns the ETags): ${first.repos} repositories, ${first.queued} queued`);
    console.log('figure                        value   goal');
    console.log(`wall time ms               ${String(round(wall, 0)).padStart(8)}`);
    console.log(`REST calls                 ${String(calls).padStart(8)}   ${REPOS} conditional lists + 1 for the owner's repositories`);
    console.log(`rate-limit points          ${String(spent).padStart(8)}   0`);
    console.log(`unchanged repositories     ${String(report.unchanged).padStart(8)}   ${REPOS}`);
    console.log(`queued / committed         ${String(report.queued).padStart(8)}   0 / ${changed ? 'a commit!' : 'none'}`);
    console.log(JSON.stringify({ bench: 'resync', figure: 'round', repos: REPOS, pulls: PULLS, wall_ms: round(wall, 0), rest_calls: calls, rate_limit_points: spent, queued: report.queued, committed: changed }));
  } finally {
    await close();
    await github.close();
    await rm(work, { recursive: true, force: true });
  }
  await benchWaitingChecks();
  await benchWaitingService();
}
