// `npm run bench -- cli`: the process time (user + system CPU, and wall) of `previewd --help`,
// `previewd list` and `previewd history` on a local GitOps repository of 1,000 environments, beside
// `git log -1` on the same repository as the baseline, and `previewd list` on a small repository (SMALL
// environments), in one run: medians of ROUNDS, interleaved.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitEnv } from '../test/helpers/git-cli.ts';
import { createBareGitOpsRepo, run, spreadEnvironments } from './gitops-fixture.ts';
import { median, round } from './stats.ts';

const ROUNDS = 9;
const SMALL = 5;
const ROOT = join(import.meta.dirname, '..');

interface Sample {
  cpuMs: number;
  wallMs: number;
}

/**
 * One run of `argv` under /usr/bin/time; throws unless it exits 0. CPU from time(1) (10 ms steps);
 * wall time from this process's clock, since time(1)'s is in 10 ms steps too and git log -1 is below.
 */
function measure(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '@@%e %U %S', ...argv], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /@@[\d.]+ ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      if (code !== 0 || !m) return reject(new Error(`${argv.join(' ')} failed (${String(code)}): ${stderr.slice(-2000)}`));
      resolve({ wallMs: performance.now() - started, cpuMs: (Number(m[1]) + Number(m[2])) * 1000 });
    });
  });
}

export async function benchCli(): Promise<void> {
  // dist/ as `npm start` and the installed bin use it.
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-if-stale.js')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
  const tmp = await mkdtemp(join(tmpdir(), 'previewd-bench-cli-'));
  try {
    const envs = spreadEnvironments(1000);
    await createBareGitOpsRepo(join(tmp, 'seed.git'), envs);
    const data = join(tmp, 'data');
    await mkdir(data);
    await run(tmp, ['clone', '--quiet', join(tmp, 'seed.git'), join(data, 'gitops')]);
    const gitops = join(data, 'gitops');
    const env = { ...gitEnv, DATA_DIR: data };
    // A small repository (what a newcomer has): the process's own start and read, with little to read.
    const smallEnvs = spreadEnvironments(SMALL);
    await createBareGitOpsRepo(join(tmp, 'small-seed.git'), smallEnvs);
    const smallData = join(tmp, 'small-data');
    await mkdir(smallData);
    await run(tmp, ['clone', '--quiet', join(tmp, 'small-seed.git'), join(smallData, 'gitops')]);
    const smallEnv = { ...gitEnv, DATA_DIR: smallData };
    const bin = join(ROOT, 'bin/previewd.js');
    const first = envs[0];
    if (!first) throw new Error('no environments');
    const label = `${first.owner}/${first.repo}#${first.pr}`;
    const figures: Array<[string, string[], string, NodeJS.ProcessEnv]> = [
      ['git log -1 (baseline)', ['git', 'log', '-1', '--format=%H'], gitops, env],
      // The runtime's own floor: what any Node CLI costs before it does anything.
      ['node -e 0 (the runtime alone)', [process.execPath, '-e', '0'], tmp, env],
      ['previewd --help', [process.execPath, bin, '--help'], tmp, env],
      ['previewd list', [process.execPath, bin, 'list'], tmp, env],
      [`previewd list (${SMALL} environments)`, [process.execPath, bin, 'list'], tmp, smallEnv],
      [`previewd history ${label}`, [process.execPath, bin, 'history', label], tmp, env],
    ];
    const samples = new Map<string, Sample[]>(figures.map(([name]) => [name, []]));
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const [name, argv, cwd, figureEnv] of figures) {
        const sample = await measure(argv, cwd, figureEnv);
        if (round > 0) samples.get(name)?.push(sample); // the first round warms the page cache
      }
    }
    // /usr/bin/time counts CPU in 10 ms steps, below which git log falls: the ratio is of wall times.
    const baseline = median((samples.get(figures[0]?.[0] ?? '') ?? []).map((s) => s.wallMs));
    const rows = figures.map(([name]) => {
      const list = samples.get(name) ?? [];
      const cpu = median(list.map((s) => s.cpuMs));
      const wall = median(list.map((s) => s.wallMs));
      return { name, cpu_ms: round(cpu, 0), wall_ms: round(wall, 1), ratio: round(wall / baseline, 1) };
    });
    console.log(`\ncli: ${envs.length} environments (and one list of ${SMALL}), medians of ${ROUNDS} rounds (process CPU = user + system, in 10 ms steps; × git = wall time / git log -1's)\n`);
    console.log(`${'command'.padEnd(38)} ${'cpu ms'.padStart(8)} ${'wall ms'.padStart(8)} ${'wall × git'.padStart(7)}`);
    for (const r of rows) console.log(`${r.name.padEnd(38)} ${String(r.cpu_ms).padStart(8)} ${String(r.wall_ms).padStart(8)} ${String(r.ratio).padStart(7)}`);
    for (const r of rows) console.log(JSON.stringify({ bench: 'cli', figure: r.name, cpu_ms: r.cpu_ms, wall_ms: r.wall_ms, wall_ratio_to_git: r.ratio }));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
