// `npm run bench -- reports [--quick]`: PR reports under GitHub's pace, on real `previewd serve`
// processes (the real git http-backend remote, the GitHub fake), with GitHub's own pacing (1 s between
// writes, 3 s between writes that notify) unless --quick (GITHUB_WRITE_INTERVAL=100ms).
//  - SIGTERM to exit with 0, 10 and 50 PRs owed reports (SHUTDOWN_TIMEOUT at its default, 10 s);
//  - from the restart to the last owed report for those 50 PRs, beside the floor GitHub's pace sets;
//  - writes per PR in a burst of 30 opened PRs, and when the last one heard first.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGitHub, type FakeGitHub } from '../test/helpers/fake-github.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../test/helpers/gitops-remote.ts';
import { startPreviewdProcess } from '../test/helpers/previewd-process.ts';
import { deliverOpened, deploymentStates, environmentsOnRemote, openPulls, owedInRecord, previewdComments, until } from '../test/helpers/report-assertions.ts';
import { skeletonFiles } from '../test/helpers/skeleton-files.ts';
import { median, round } from './stats.ts';

const SECRET = 'bench-reports-secret';
const TOKEN = 'ghp_benchReportsToken0123456789abcdefABCD';
const sha = (pr: number) => `f${pr.toString(16).padStart(39, '0')}`;
/** PRs 1 to `n`. */
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

interface World {
  github: FakeGitHub;
  remote: GitOpsRemote;
  cwd: string;
  env: Record<string, string>;
}

async function world(prs: number, quick: boolean): Promise<World> {
  const github = await createFakeGitHub();
  github.addToken(TOKEN);
  openPulls(github, range(prs), sha);
  const files = skeletonFiles();
  const remote = await createGitOpsRemote({ ...files, 'previewd.yaml': (files['previewd.yaml'] ?? '').replace('maxPreviews: 20', 'maxPreviews: 100') });
  const cwd = await mkdtemp(join(tmpdir(), 'previewd-bench-reports-'));
  const env: Record<string, string> = {
    PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(cwd, 'data'), WEBHOOK_SECRET: SECRET, GITOPS_REPO_URL: remote.url,
    GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, LOG_LEVEL: 'warn', ...(quick ? { GITHUB_WRITE_INTERVAL: '100ms' } : {}),
  };
  return { github, remote, cwd, env };
}

async function close(w: World): Promise<void> {
  await w.github.close();
  await w.remote.close();
  await rm(w.cwd, { recursive: true, force: true });
}

const open = (url: string, prs: number) => deliverOpened(url, SECRET, range(prs), sha);

const reported = (w: World, pr: number) => previewdComments(w.github, pr).length > 0 && deploymentStates(w.github, sha(pr)).some((s) => s !== 'none');
const writes = (w: World) => w.github.requests.filter((r) => r.method !== 'GET');

/** SIGTERM right after `prs` PRs were opened (0: an idle service): ms to exit, exit code, PRs left owed. */
async function sigtermToExit(prs: number, quick: boolean, keep = false): Promise<{ ms: number; code: number | string | null; owed: number; world: World }> {
  const w = await world(prs, quick);
  const proc = await startPreviewdProcess(w.env, w.cwd);
  await open(proc.url, prs);
  await until('every environment on the remote', async () => (await environmentsOnRemote(w.remote)) === prs, 120_000, proc.log);
  const start = performance.now();
  const code = await proc.stop(120_000);
  const ms = performance.now() - start;
  const owed = (await owedInRecord(join(w.cwd, 'data'))).length;
  if (!keep) await close(w);
  return { ms, code, owed, world: w };
}

export async function benchReports(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const pace = quick ? 'GITHUB_WRITE_INTERVAL=100ms' : "GitHub's pace (1 s between writes, 3 s between notifying writes)";
  console.log(`reports: SIGTERM to exit, restart to last owed report, writes per PR — ${pace}, SHUTDOWN_TIMEOUT 10s`);
  const idle = [];
  for (let i = 0; i < 3; i++) idle.push((await sigtermToExit(0, quick)).ms);
  console.log(`  SIGTERM → exit, 0 owed:  median ${round(median(idle), 0)} ms of 3`);
  const ten = await sigtermToExit(10, quick);
  console.log(`  SIGTERM → exit, 10 PRs:  ${round(ten.ms, 0)} ms, exit ${ten.code}, ${ten.owed} PRs left owed`);
  const fifty = await sigtermToExit(50, quick, true);
  console.log(`  SIGTERM → exit, 50 PRs:  ${round(fifty.ms, 0)} ms, exit ${fifty.code}, ${fifty.owed} PRs left owed`);

  // The restart: no new event; the record brings the reports.
  const w = fifty.world;
  const before = writes(w).length;
  const start = performance.now();
  const proc = await startPreviewdProcess(w.env, w.cwd);
  const prs = range(50);
  await until('every PR reported', () => prs.every((pr) => reported(w, pr)), 600_000, proc.log);
  const restartMs = performance.now() - start;
  const sent = writes(w).slice(before);
  const comments = sent.filter((r) => r.method === 'POST' && r.path.includes('/comments')).length;
  // The floor: one notifying write per 3 s, any write per 1 s (or the quick interval for both).
  const floorMs = quick ? sent.length * 100 : Math.max(comments * 3000, sent.length * 1000);
  console.log(`  restart → last owed report, ${fifty.owed} PRs owed: ${round(restartMs / 1000, 1)} s for ${sent.length} writes (${comments} new comments); pace floor ${round(floorMs / 1000, 1)} s; ratio ${round(restartMs / floorMs, 2)}`);
  await proc.stop(60_000);
  await close(w);

  // A burst of 30: how many writes each PR costs, and when the last PR first heard.
  const b = await world(30, quick);
  const burst = await startPreviewdProcess(b.env, b.cwd);
  const t0 = performance.now();
  await open(burst.url, 30);
  const firstHeard = new Map<number, number>();
  await until('every PR of the burst reported', () => {
    for (let pr = 1; pr <= 30; pr++) if (!firstHeard.has(pr) && previewdComments(b.github, pr).length > 0) firstHeard.set(pr, performance.now() - t0);
    return firstHeard.size === 30 && range(30).every((pr) => reported(b, pr));
  }, 600_000, burst.log);
  await until('nothing owed', async () => (await owedInRecord(join(b.cwd, 'data'))).length === 0, 120_000, burst.log);
  const all = writes(b).length;
  const commentWrites = range(30).map((pr) => writes(b).filter((r) => r.path.includes(`/issues/${pr}/comments`)).length);
  console.log(`  30-PR burst: ${all} writes, ${round(all / 30, 2)} per PR (comment writes per PR: median ${median(commentWrites)}, most ${Math.max(...commentWrites)}); the last PR's first comment at ${round(Math.max(...firstHeard.values()) / 1000, 1)} s after the first event`);
  await burst.stop(60_000);
  await close(b);
}
