import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadAssets } from '../src/assets/load-assets.ts';
import type { RunningService } from '../src/service/start-service.ts';
import { createFakeGitHub, type FakeGitHub } from '../test/helpers/fake-github.ts';
import { skeletonFiles } from '../test/helpers/skeleton-files.ts';
import { startServiceOnRemote } from './service-on-remote.ts';
import { round } from './stats.ts';

const REPOS = 4;
const PULLS = 10;
const TOKEN = 'ghp_waitingServiceBench0123456789abcdAB';
const sha = (r: number, n: number): string => `${r.toString(16).padStart(2, '0')}${n.toString(16).padStart(2, '0')}`.padEnd(40, 'b');

interface Round { calls: number; points: number; byOperation: Record<string, number>; ms: number; commits: number }

// One resync round and the work it queues, with the reports it causes: what GitHub saw meanwhile.
async function measured(github: FakeGitHub, running: RunningService): Promise<Round> {
  const from = github.requests.length;
  const points = github.rateLimitUsed();
  const head = await running.store.head();
  const start = performance.now();
  await running.resync();
  await running.reconciler.idle();
  await running.feedback.idle();
  const ms = performance.now() - start;
  const seen = github.requests.slice(from);
  const byOperation: Record<string, number> = {};
  for (const r of seen) {
    const key = `${r.operationId ?? r.path} ${r.status}`;
    byOperation[key] = (byOperation[key] ?? 0) + 1;
  }
  const commits = (await running.store.head()) === head ? 0 : 1;
  return { calls: seen.length, points: github.rateLimitUsed() - points, byOperation, ms, commits };
}

/**
 * The whole service's cost of PRs that wait for their build (`waitFor`), per resync round: the
 * conditional PR lists, and for each waiting PR its re-plan (its config remembered for the held sha,
 * its check runs and statuses asked conditionally). Rounds: the first (plans, reports and learns the
 * ETags), the second (each combined status changed: previewd's own pending status went onto it after
 * the first), one in which nothing moved, and one in which one build finished (one create commit).
 */
export async function benchWaitingService(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'previewd-waiting-'));
  const github = await createFakeGitHub();
  github.addToken(TOKEN);
  const assets = await loadAssets();
  const files = skeletonFiles();
  const registry = parseDocument(files['previewd.yaml'] ?? '');
  registry.setIn(['apps', 0, 'repo'], 'bench/*');
  registry.setIn(['apps', 0, 'waitFor'], registry.createNode({ checks: ['build', 'ci / *'], timeout: '2h' }));
  files['previewd.yaml'] = registry.toString();
  const runs: number[] = [];
  for (let r = 0; r < REPOS; r++) {
    const repo = github.repo(`bench/wait${r}`);
    for (let n = 1; n <= PULLS; n++) {
      repo.setPull(n, { headSha: sha(r, n) });
      runs.push(repo.addCheckRun(sha(r, n), { name: 'build', status: 'in_progress' }).id);
      repo.addCheckRun(sha(r, n), { name: 'ci / image', conclusion: 'success' });
    }
  }
  const { running, close } = await startServiceOnRemote(work, github, TOKEN, assets, { files: Object.entries(files), message: 'Seed the skeleton' }, { checks: true, reportDebounceMs: 50 });
  try {
    const first = await measured(github, running);
    // previewd's own pending status went onto each sha after the first round learned its ETag.
    const second = await measured(github, running);
    const quiet = await measured(github, running);
    github.repo('bench/wait0').updateCheckRun(runs[0] ?? 0, { status: 'completed', conclusion: 'success' });
    const moved = await measured(github, running);
    github.assertNoViolations();
    const waiting = REPOS * PULLS;
    console.log(`\nresync, waitFor through the service: ${REPOS} repositories × ${PULLS} PRs waiting for build (${waiting}); ${cpus().length} cores, node ${process.version}`);
    console.log('round                                  REST calls   rate-limit points   wall ms   commits');
    const line = (name: string, r: Round) => console.log(`${name.padEnd(38)} ${String(r.calls).padStart(10)}   ${String(r.points).padStart(17)}   ${String(round(r.ms, 0)).padStart(7)}   ${String(r.commits).padStart(7)}`);
    line('first (plans, reports, learns ETags)', first);
    line('second (previewd\'s own statuses since)', second);
    line('nothing changed', quiet);
    line('one build finished', moved);
    console.log(`nothing changed, by call: ${Object.entries(quiet.byOperation).map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    const checkCalls = Object.entries(quiet.byOperation).filter(([k]) => /^(checks\/|repos\/get-combined-status)/.test(k)).reduce((sum, [, v]) => sum + v, 0);
    console.log(`per waiting PR and round when nothing changed: ${round(checkCalls / waiting, 2)} check calls, ${round(quiet.points / waiting, 2)} points; goal 2 calls (304s), 0 points`);
    console.log(JSON.stringify({ bench: 'resync', figure: 'waiting-service', waiting, first: { ...first, byOperation: undefined }, second: { ...second, byOperation: undefined }, quiet, moved: { ...moved, byOperation: undefined } }));
  } finally {
    await close();
    await github.close();
    await rm(work, { recursive: true, force: true });
  }
}
