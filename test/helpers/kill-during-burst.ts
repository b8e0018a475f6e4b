import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeGitHub } from './fake-github.ts';
import { freePort } from './free-port.ts';
import { git } from './git-cli.ts';
import { assertRemoteConverged } from './gitops-assertions.ts';
import { createGitOpsRemote, type GitOpsRemote } from './gitops-remote.ts';
import { deliverTo, startPreviewdProcess, type PreviewdProcess } from './previewd-process.ts';
import { skeletonFiles } from './skeleton-files.ts';
import { pullRequestPayload } from './webhook-examples.ts';

const SECRET = 'kill-inbox-webhook-secret';
const TOKEN = 'ghp_killInboxToken0123456789abcdefABCDEF';
/**
 * How many PRs open in the burst, and after how many 202s (counted over the whole run) each kill falls.
 * The suite's scale: early, in the middle, late. `npm run bench -- kills` runs issue 11's full one.
 */
export interface KillScale {
  prs: number;
  kills: readonly number[];
}
export const SUITE_KILL_SCALE: KillScale = { prs: 60, kills: [4, 25, 48] };
const sha = (pr: number) => `e${pr.toString(16).padStart(39, '0')}`;

function seed(): Record<string, string> {
  const files = skeletonFiles();
  files['previewd.yaml'] = (files['previewd.yaml'] ?? '').replace('maxPreviews: 20', 'maxPreviews: 1000');
  assert.match(files['previewd.yaml'] ?? '', /maxPreviews: 1000/);
  return files;
}

async function environments(remote: GitOpsRemote): Promise<Set<number>> {
  const listing = await git(remote.bare, ['ls-tree', '-r', '--name-only', 'main', 'previews/demo/app']).catch(() => '');
  return new Set([...listing.matchAll(/pr-(\d+)\/preview\.json/g)].map((m) => Number(m[1])));
}

/**
 * kill -9 at several moments of a burst of `opened` events: what a kill cut off is delivered again (as
 * GitHub's Redeliver would), what got a 202 never is. After the last restart every PR's environment
 * exists, with exactly one create commit.
 */
export async function killDuringBurst(github: FakeGitHub | null, scale: KillScale = SUITE_KILL_SCALE): Promise<string> {
  const { prs: PRS, kills: KILLS } = scale;
  const cwd = await mkdtemp(join(tmpdir(), 'previewd-kill-inbox-'));
  // Pushes held a little: each kill finds commits made and not pushed, and events accepted and not committed.
  const remote = await createGitOpsRemote(seed(), {
    beforeRequest: async (method, path) => {
      if (method === 'POST' && path.endsWith('/git-receive-pack')) await new Promise((r) => setTimeout(r, 300));
    },
  });
  let proc: PreviewdProcess | undefined;
  try {
    const env: Record<string, string> = {
      PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(cwd, 'data'), WEBHOOK_SECRET: SECRET, GITOPS_REPO_URL: remote.url, LOG_LEVEL: process.env.KILL_LOG_LEVEL ?? 'warn',
      ...(github ? { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url } : {}),
    };
    if (github) {
      github.addToken(TOKEN);
      for (let pr = 1; pr <= PRS; pr++) github.repo('demo/app').setPull(pr, { state: 'open', headSha: sha(pr), headRef: `feature-${pr}`, user: 'alice' });
    }
    const accepted = new Set<number>();
    let todo = Array.from({ length: PRS }, (_, i) => i + 1);
    const kills: string[] = [];
    const t0 = Date.now();
    const mark = (what: string) => console.log(`${Date.now() - t0} ms: ${what}`);
    for (let round = 0; todo.length > 0; round++) {
      if (round > 10) assert.fail(`the burst did not get through in 10 restarts; left: ${todo.join(', ')}`);
      proc = await startPreviewdProcess(env, cwd);
      mark(`started (round ${round}, ${todo.length} to deliver)`);
      const current = proc;
      const killAt = KILLS.find((k) => k > accepted.size);
      let next = 0;
      const refused: number[] = [];
      const workers = Array.from({ length: 6 }, async () => {
        while (next < todo.length) {
          const pr = todo[next++];
          if (pr === undefined) break;
          const answer = await deliverTo(current.url, SECRET, 'pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr), author: 'alice' }), `open-${pr}`);
          if ('status' in answer && answer.status === 202) accepted.add(pr);
          else refused.push(pr);
        }
      });
      if (killAt !== undefined) {
        const deadline = Date.now() + 15_000;
        while (accepted.size < killAt && next < todo.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
        await current.kill9();
        kills.push(`${accepted.size} accepted`);
      }
      await Promise.all(workers);
      // What was answered 202 is the inbox's from now on; only what got no 202 is sent again.
      todo = [...refused, ...todo.slice(next)].filter((pr) => !accepted.has(pr));
    }
    assert.equal(kills.length, KILLS.length, `killed at every moment (${kills.join(', ')})`);
    const live = proc;
    if (!live) throw new Error('no service');
    // 40 s for the suite's 60 PRs, more for a bigger burst.
    const deadline = Date.now() + Math.max(40_000, PRS * 700);
    let made = await environments(remote);
    while (made.size < PRS && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      made = await environments(remote);
    }
    mark(`${made.size} environments`);
    const missing = [...accepted].filter((pr) => !made.has(pr));
    assert.deepEqual(missing, [], `every event answered 202 has its environment (kills after ${kills.join(', ')})`);
    if (github) {
      // The PR reports still queued go out at GitHub's pace (3 s between comments: minutes for 60 PRs), and
      // a clean stop waits for them; the remote is what this test is about, so the last stop is a kill too.
      await live.kill9();
    } else {
      const stopping = Date.now();
      const code = await live.stop();
      assert.equal(code, 0, `stopped in ${Date.now() - stopping} ms:\n${live.log().slice(-6000)}`);
    }
    proc = undefined;
    mark('stopped');
    await assertRemoteConverged(remote, { owner: 'demo', repo: 'app', open: new Map([...accepted].map((pr) => [pr, sha(pr)])) });
    return `kills after ${kills.join(', ')}`;
  } finally {
    proc?.child.kill('SIGKILL');
    await remote.close();
    await rm(cwd, { recursive: true, force: true });
  }
}

