import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIsomorphicGitStore, type IsomorphicGitStore } from '../src/adapters/git/isomorphic-git-store.ts';
import type { EnvRef } from '../src/domain/environment.ts';
import { startGitHttpServer } from '../test/helpers/git-http-server.ts';
import { author, deploy, folderOf } from '../test/helpers/store-fixture.ts';
import { copyRepo, createBareGitOpsRepo, oneRepository, run, spreadEnvironments } from './gitops-fixture.ts';
import { median, round, timed } from './stats.ts';

interface Figure { figure: string; previewd_ms: number; baseline_ms: number; ratio: number; baseline: string }

const ITERATIONS = 15;
const WARMUP = 3;

function hexSha(n: number): string {
  return n.toString(16).padStart(40, '0');
}

async function openBenchStore(url: string, clone: string, push: 'thin' | 'stock'): Promise<IsomorphicGitStore> {
  return openIsomorphicGitStore({ location: { kind: 'remote', url, clone, push }, branch: 'main', author });
}

/** One size: previewd and the git CLI, each on its own copy of the same remote, interleaved. */
async function measure(label: string, envs: readonly EnvRef[], work: string, stockIterations: number): Promise<Figure[]> {
  const root = join(work, label);
  await createBareGitOpsRepo(join(root, 'seed.git'), envs);
  for (const name of ['previewd.git', 'cli.git', 'stock.git']) await copyRepo(join(root, 'seed.git'), join(root, name));
  const server = await startGitHttpServer({ root });
  try {
    const store = await openBenchStore(server.url('previewd.git'), join(root, 'previewd-clone.git'), 'thin');
    const cli = join(root, 'cli-clone');
    await run(root, ['clone', '--quiet', server.url('cli.git'), cli]);
    const commit = { previewd: [] as number[], cli: [] as number[] };
    const publish = { previewd: [] as number[], cli: [] as number[] };
    const target = envs[Math.floor(envs.length / 2)] as EnvRef;
    for (let i = 0; i < ITERATIONS + WARMUP; i++) {
      const change = deploy(target, hexSha(i + 1));
      // Alternate who goes first, so that drift on a shared machine does not favour one side.
      const steps: Array<() => Promise<void>> = [
        async () => {
          const c = await timed(() => store.commit(change));
          const p = await timed(() => store.publish());
          if (i >= WARMUP) {
            commit.previewd.push(c);
            publish.previewd.push(p);
          }
        },
        async () => {
          const c = await timed(async () => {
            for (const f of change.changes) if (f.type === 'write') await writeFile(join(cli, f.path), f.content);
            await run(cli, ['add', '--', folderOf(target)]);
            await run(cli, ['commit', '--quiet', '-m', `update to ${hexSha(i + 1)}`]);
          });
          const p = await timed(() => run(cli, ['push', '--quiet', 'origin', 'main']));
          if (i >= WARMUP) {
            commit.cli.push(c);
            publish.cli.push(p);
          }
        },
      ];
      for (const step of i % 2 ? steps.reverse() : steps) await step();
    }
    // isomorphic-git's own push, for reference: it walks every tree, so a few rounds say enough.
    const stock = await openBenchStore(server.url('stock.git'), join(root, 'stock-clone.git'), 'stock');
    const stockPublish: number[] = [];
    for (let i = 0; i < stockIterations; i++) {
      await stock.commit(deploy(target, hexSha(1000 + i)));
      stockPublish.push(await timed(() => stock.publish()));
    }
    const figures: Figure[] = [
      { figure: `commit@${label}`, previewd_ms: median(commit.previewd), baseline_ms: median(commit.cli), ratio: 0, baseline: 'git add + git commit' },
      { figure: `publish@${label}`, previewd_ms: median(publish.previewd), baseline_ms: median(publish.cli), ratio: 0, baseline: 'git push' },
    ];
    if (stockIterations > 0) {
      figures.push({ figure: `publish-stock@${label}`, previewd_ms: median(stockPublish), baseline_ms: median(publish.cli), ratio: 0, baseline: 'git push (previewd column: isomorphic-git push)' });
    }
    return figures.map((f) => ({ ...f, previewd_ms: round(f.previewd_ms), baseline_ms: round(f.baseline_ms), ratio: round(f.previewd_ms / f.baseline_ms) }));
  } finally {
    await server.close();
  }
}

/** `npm run bench -- store [--quick]`: commit and publish, previewd against the git CLI. */
export async function benchStore(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const sizes: Array<[string, EnvRef[]]> = quick
    ? [['10', spreadEnvironments(10)], ['1000', spreadEnvironments(1000)]]
    : [['10', spreadEnvironments(10)], ['1000', spreadEnvironments(1000)], ['5000', spreadEnvironments(5000)], ['5000-one-repo', oneRepository(5000)]];
  const work = await mkdtemp(join(tmpdir(), 'previewd-bench-'));
  const figures: Figure[] = [];
  try {
    // A discarded first pass warms up the JIT and the disk cache, so the first size is not penalised.
    await measure('warmup', spreadEnvironments(10), work, 0);
    for (const [label, envs] of sizes) figures.push(...(await measure(label, envs, work, label.startsWith('5000') || quick ? 3 : 0)));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log(`\nGitOps store: medians of ${ITERATIONS} rounds after ${WARMUP} warm-up, ${cpus().length} cores, node ${process.version}`);
  console.log('figure                   previewd ms   baseline ms   ratio   baseline');
  for (const f of figures) {
    console.log(`${f.figure.padEnd(24)} ${String(f.previewd_ms).padStart(11)} ${String(f.baseline_ms).padStart(13)} ${String(f.ratio).padStart(7)}   ${f.baseline}`);
  }
  const own = (fig: string) => figures.find((f) => f.figure === fig)?.previewd_ms ?? Number.NaN;
  for (const what of ['commit', 'publish']) {
    const growth = own(`${what}@5000`) / own(`${what}@10`);
    if (!Number.isNaN(growth)) console.log(`previewd ${what}: 5000 environments / 10 = ${round(growth)}x (goal: at most 2x)`);
  }
  for (const f of figures) console.log(JSON.stringify({ bench: 'store', figure: f.figure, previewd_ms: f.previewd_ms, baseline_ms: f.baseline_ms, ratio: f.ratio }));
}
