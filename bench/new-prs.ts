import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { openIsomorphicGitStore } from '../src/adapters/git/isomorphic-git-store.ts';
import { createLogger } from '../src/adapters/logger.ts';
import { loadAssets } from '../src/assets/load-assets.ts';
import { createConfigValidators } from '../src/domain/config-validators.ts';
import type { EnvRef } from '../src/domain/environment.ts';
import { createReconciler } from '../src/reconciler/create-reconciler.ts';
import { syncRequest } from '../src/reconciler/reconcile-request.ts';
import { createRegistryReader } from '../src/reconciler/registry-reader.ts';
import { startGitHttpServer } from '../test/helpers/git-http-server.ts';
import { envFiles, author } from '../test/helpers/store-fixture.ts';
import { skeletonFiles } from '../test/helpers/skeleton-files.ts';
import { createBareRepoWith, spreadEnvironments } from './gitops-fixture.ts';
import { headSha } from './webhook-requests.ts';
import { median, round } from './stats.ts';

const NEW_PRS = 200;
// The new PRs' app is the skeleton's demo/*; an app's maxPreviews is at most 1,000, so the variant with
// the app's own environments holds 790 of them and the 200 new ones still fit.
const SIZES: ReadonlyArray<[string, () => EnvRef[]]> = [
  ['10', () => spreadEnvironments(10)],
  ['5000', () => spreadEnvironments(5000)],
  ['790-own-app', () => Array.from({ length: 790 }, (_, i) => ({ owner: 'demo', repo: 'app', pr: 2000 + i }))],
];

/** The skeleton (its demo app, maxPreviews 1,000) plus `envs`, one commit, on a bare repository. */
async function seed(path: string, envs: readonly EnvRef[]): Promise<void> {
  const files = skeletonFiles();
  const registry = parseDocument(files['previewd.yaml'] ?? '');
  registry.setIn(['defaults', 'maxPreviews'], 1000);
  files['previewd.yaml'] = registry.toString();
  const all: Array<[string, string]> = Object.entries(files);
  for (const env of envs) for (const f of envFiles(env, '0'.repeat(40))) if (f.type === 'write') all.push([f.path, String(f.content)]);
  await createBareRepoWith(path, all, `Seed ${envs.length} environments`);
}

/** CPU (this process) and wall time for 200 new PRs' opened events through the reconciler, to the remote. */
async function round200(work: string, label: string, envs: readonly EnvRef[], n: number): Promise<{ cpuMs: number; wallMs: number }> {
  const root = join(work, `${label}-${n}`);
  await seed(join(root, 'gitops.git'), envs);
  const server = await startGitHttpServer({ root });
  try {
    const store = await openIsomorphicGitStore({ location: { kind: 'remote', url: server.url('gitops.git'), clone: join(root, 'clone.git'), push: 'thin' }, branch: 'main', author });
    const assets = await loadAssets();
    const validators = createConfigValidators(assets.schemas);
    const reconciler = createReconciler({
      store, forge: null, lifecycle: null, registry: createRegistryReader(store, validators), validators, templates: assets.templates,
      now: () => new Date(), log: createLogger('error'), settleMs: 0,
    });
    // Warm: the registry read, the templates, the first tree reads.
    reconciler.enqueue(syncRequest(snapshot(1), { actor: 'octocat', cause: 'pull_request.opened', override: true }));
    await reconciler.idle();
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let pr = 2; pr <= NEW_PRS + 1; pr++) reconciler.enqueue(syncRequest(snapshot(pr), { actor: 'octocat', cause: 'pull_request.opened', override: true }));
    await reconciler.close();
    const used = process.cpuUsage(cpu);
    const wallMs = performance.now() - started;
    const folders = (await store.listEnvironments()).filter((e) => e.env.owner === 'demo' && e.env.pr <= NEW_PRS + 1).length;
    if (folders !== NEW_PRS + 1) throw new Error(`${label}: ${folders} of ${NEW_PRS + 1} new environments were made`);
    return { cpuMs: (used.user + used.system) / 1000, wallMs };
  } finally {
    await server.close();
  }
}

function snapshot(pr: number) {
  return {
    owner: 'demo', repo: 'app', pr, state: 'open' as const, merged: false, draft: false, headSha: headSha(pr, 'new-prs'), headRef: `feature-${pr}`,
    fork: false, author: 'octocat', labels: [], repoUrl: 'https://github.com/demo/app',
  };
}

/**
 * `npm run bench -- new-prs [--quick]`: what a new PR costs as the repository grows — 200 new PRs'
 * opened events through previewd's reconciler (plan, render, commit, publish to a git http-backend
 * remote; GitHub off), on a GitOps repository that already holds 10 or 5,000 environments of other
 * repositories, or 790 of the new PRs' own app. CPU of this process per new PR (git's server is
 * another process) and wall time, medians of the rounds, sizes interleaved.
 */
export async function benchNewPrs(args: string[]): Promise<void> {
  const rounds = args.includes('--quick') ? 1 : 3;
  const work = await mkdtemp(join(tmpdir(), 'previewd-bench-new-prs-'));
  try {
    const results = new Map<string, Array<{ cpuMs: number; wallMs: number }>>(SIZES.map(([label]) => [label, []]));
    const fixtures = new Map(SIZES.map(([label, make]) => [label, make()]));
    for (let n = 0; n < rounds; n++) {
      for (const [label] of SIZES) results.get(label)?.push(await round200(work, label, fixtures.get(label) ?? [], n));
    }
    const perPr = (label: string) => median((results.get(label) ?? []).map((r) => r.cpuMs / NEW_PRS));
    const wall = (label: string) => median((results.get(label) ?? []).map((r) => r.wallMs / 1000));
    console.log(`\n${NEW_PRS} new PRs through the reconciler to the remote, medians of ${rounds}`);
    console.log('existing environments       CPU ms per new PR   wall s');
    for (const [label] of SIZES) console.log(`${label.padEnd(28)}${String(round(perPr(label))).padStart(10)}   ${String(round(wall(label))).padStart(12)}`);
    const ratio = perPr('5000') / perPr('10');
    console.log(`CPU per new PR, 5,000 / 10: ${round(ratio)}x (goal: at most 2x)`);
    for (const [label] of SIZES) console.log(JSON.stringify({ bench: 'new-prs', figure: `cpu-per-new-pr@${label}`, ms: round(perPr(label)), wall_s: round(wall(label)) }));
    console.log(JSON.stringify({ bench: 'new-prs', figure: 'ratio-5000-to-10', ratio: round(ratio), goal: 2 }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
