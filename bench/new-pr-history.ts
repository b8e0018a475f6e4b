import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIsomorphicGitStore } from '../src/adapters/git/isomorphic-git-store.ts';
import { startGitHttpServer } from '../test/helpers/git-http-server.ts';
import { author, deploy } from '../test/helpers/store-fixture.ts';
import { createBareGitOpsRepo, oneRepository } from './gitops-fixture.ts';
import { median, round, timed } from './stats.ts';

const PRS = 500;
// As far back as the reconciler reads a folder's history (gather-facts.ts).
const LOOKBACK = 2000;

/**
 * `npm run bench -- new-pr-history`: what it costs to ask, for each new PR of a burst (one app, 500 PRs,
 * each one commit more on the branch), whether anything in the history of its folder — which does not
 * exist yet — stands in its way: the folder's history walk (the newest record within the look-back)
 * against `hasDelivery` (each commit read once). Interleaved, on one clone: the walk reads through the
 * same caches the index fills.
 */
export async function benchNewPrHistory(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'previewd-bench-new-pr-'));
  try {
    await createBareGitOpsRepo(join(work, 'srv', 'gitops.git'), []);
    const server = await startGitHttpServer({ root: join(work, 'srv') });
    try {
      const store = await openIsomorphicGitStore({ location: { kind: 'remote', url: server.url('gitops.git'), clone: join(work, 'clone.git'), push: 'thin' }, branch: 'main', author });
      const walk: number[] = [];
      const index: number[] = [];
      for (const [i, env] of oneRepository(PRS).entries()) {
        const delivery = `open-${env.pr}`;
        walk.push(await timed(() => store.history(env, { limit: 1, maxCommits: LOOKBACK })));
        index.push(await timed(() => store.hasDelivery(delivery)));
        await store.commit({ ...deploy(env, (i + 1).toString(16).padStart(40, '0'), 'create'), meta: { action: 'create', actor: 'octocat', delivery } });
      }
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      console.log(`\nnew PRs of one app, ${PRS} in a row, one commit each; per new PR, before its commit (ms)`);
      console.log('question                               total ms   median ms   last ms');
      for (const [name, xs] of [['folder history walk (limit 1)', walk], ['hasDelivery (index)', index]] as const) {
        console.log(`${name.padEnd(38)} ${String(round(sum(xs))).padStart(8)}   ${String(round(median(xs), 3)).padStart(9)}   ${String(round(xs.at(-1) ?? 0, 3)).padStart(7)}`);
      }
      console.log(JSON.stringify({ bench: 'new-pr-history', prs: PRS, walk_total_ms: round(sum(walk)), index_total_ms: round(sum(index)), ratio: round(sum(index) / sum(walk), 3) }));
    } finally {
      await server.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
