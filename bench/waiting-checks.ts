import { createOctokitForge } from '../src/adapters/github/octokit-forge.ts';
import { buildVerdict } from '../src/domain/build-verdict.ts';
import { compileWaitFor } from '../src/domain/wait-for.ts';
import type { ForgeChecks } from '../src/ports/forge.ts';
import { createFakeGitHub, type FakeGitHub } from '../test/helpers/fake-github.ts';
import { round } from './stats.ts';

const WAITING = 100;
const TOKEN = 'ghp_waitingChecksBench0123456789abcdefAB';
const sha = (n: number): string => n.toString(16).padStart(40, 'c');
const WAIT = compileWaitFor({ checks: ['build', 'ci / *'], timeout: '2h', image: false });

/** What the resync asks GitHub for each waiting sha: its check runs and its commit statuses. */
async function round_(github: FakeGitHub, forge: ForgeChecks, repos: Array<{ owner: string; repo: string }>): Promise<{ calls: number; points: number; ms: number; waiting: number }> {
  const calls = github.requests.length;
  const points = github.rateLimitUsed();
  const start = performance.now();
  let waiting = 0;
  for (let n = 0; n < WAITING; n++) {
    const repo = repos[n % repos.length]!;
    const [runs, statuses] = await Promise.all([forge.listCheckRuns(repo, sha(n)), forge.listCommitStatuses(repo, sha(n))]);
    const verdict = buildVerdict(WAIT, { checkRuns: runs.runs, statuses: statuses.statuses, startedAt: new Date(), now: new Date() });
    if (verdict.verdict === 'wait') waiting++;
  }
  return { calls: github.requests.length - calls, points: github.rateLimitUsed() - points, ms: performance.now() - start, waiting };
}

/**
 * The figure `npm run bench -- resync` adds for `waitFor`: the GitHub calls a resync round costs for
 * 100 waiting shas (each with 3 check runs and a CI status, on 10 repositories), through the
 * conditional check methods: learning the ETags, a round in which nothing moved, and one in which
 * one build finished.
 */
export async function benchWaitingChecks(): Promise<void> {
  const github = await createFakeGitHub();
  github.addToken(TOKEN);
  const repos = Array.from({ length: 10 }, (_, i) => ({ owner: 'bench', repo: `app${i}` }));
  const runs: Array<{ repo: number; id: number }> = [];
  for (let n = 0; n < WAITING; n++) {
    const fake = github.repo(`bench/app${n % repos.length}`);
    runs.push({ repo: n % repos.length, id: fake.addCheckRun(sha(n), { name: 'build' }).id });
    fake.addCheckRun(sha(n), { name: 'ci / image', status: 'queued' });
    fake.addCheckRun(sha(n), { name: 'ci / test', conclusion: 'success' });
    fake.addCiStatus(sha(n), { context: 'ci/legacy', state: 'pending' });
  }
  const forge = createOctokitForge({ baseUrl: github.url, auth: { kind: 'token', token: TOKEN }, log: { warn: () => undefined }, throttle: { writeIntervalMs: 0 } });
  try {
    const first = await round_(github, forge, repos);
    const quiet = await round_(github, forge, repos);
    const done = runs[0]!;
    github.repo(`bench/app${done.repo}`).updateCheckRun(done.id, { status: 'completed', conclusion: 'success' });
    const moved = await round_(github, forge, repos);
    github.assertNoViolations();
    console.log(`\nresync, waitFor: ${WAITING} waiting shas (3 check runs and a commit status each), 2 conditional lists per sha per round`);
    console.log('round                          REST calls   rate-limit points   wall ms   still waiting');
    const line = (name: string, r: typeof first) => console.log(`${name.padEnd(30)} ${String(r.calls).padStart(10)}   ${String(r.points).padStart(17)}   ${String(round(r.ms, 0)).padStart(7)}   ${String(r.waiting).padStart(13)}`);
    line('first (learns the ETags)', first);
    line('nothing changed', quiet);
    line('one build finished', moved);
    console.log(`per waiting sha and round: ${round(quiet.calls / WAITING, 2)} calls, ${round(quiet.points / WAITING, 2)} points when nothing changed; goal 2 calls (304s), 0 points`);
    console.log(JSON.stringify({ bench: 'resync', figure: 'waiting-checks', waiting: WAITING, first, quiet, moved }));
  } finally {
    await github.close();
  }
}
