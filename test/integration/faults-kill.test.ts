import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { freePort } from '../helpers/free-port.ts';
import { git } from '../helpers/git-cli.ts';
import { assertRemoteConverged, humanPush, remoteSettled } from '../helpers/gitops-assertions.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../helpers/gitops-remote.ts';
import { deliverTo, runCli, startPreviewdProcess, type PreviewdProcess } from '../helpers/previewd-process.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { pullRequestPayload, type Json } from '../helpers/webhook-examples.ts';

const SECRET = 'kill-test-webhook-secret';
const TOKEN = 'ghp_killTestToken0123456789abcdefABCDEF';
const PRS = 200;
// Every 5th PR is pushed to again during the burst, every 10th (offset 3) is closed.
const synced = (pr: number) => pr % 5 === 0;
const closed = (pr: number) => pr % 10 === 3;
const sha = (pr: number, n: number) => `${n.toString(16)}${pr.toString(16).padStart(39, '0')}`;

/** The skeleton with room for all the burst's PRs (the default maxPreviews, 20, would make most wait). */
function seed(): Record<string, string> {
  const files = skeletonFiles();
  files['previewd.yaml'] = (files['previewd.yaml'] ?? '').replace('maxPreviews: 20', 'maxPreviews: 1000');
  assert.match(files['previewd.yaml'] ?? '', /maxPreviews: 1000/);
  return files;
}

/** How many of the service's commits in its bare clone (its main) the remote does not have. */
async function pendingInClone(dataDir: string, bare: string): Promise<number> {
  const clone = join(dataDir, 'gitops.git');
  const local = await git(clone, ['rev-list', 'refs/heads/main', '--not', 'refs/remotes/origin/main']).catch(() => '');
  let pending = 0;
  for (const commit of local.split('\n').filter(Boolean)) {
    if (!(await git(bare, ['cat-file', '-e', `${commit}^{commit}`]).then(() => true, () => false))) pending++;
  }
  return pending;
}

/** Delivers `events` with `workers` in parallel, in order per worker; returns how many got a 202. */
async function burst(url: () => string, events: Array<{ event: string; payload: Json; delivery: string }>, workers: number, onAccepted: () => void, gapMs = 0): Promise<{ accepted: number; failed: number }> {
  let next = 0;
  let accepted = 0;
  let failed = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < events.length) {
      const e = events[next++];
      if (!e) break;
      const answer = await deliverTo(url(), SECRET, e.event, e.payload, e.delivery);
      if ('status' in answer && answer.status === 202) {
        accepted++;
        onAccepted();
      } else failed++;
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  }));
  return { accepted, failed };
}

describe('kill -9 of previewd serve in the middle of a burst of 200 PRs, then a restart and a resync', () => {
  // Known open (issue 18): the restarted service, asked to stop, waits for every PR report still owed at
  // GitHub's pace and is killed by the stop bound; its durability claims are held by faults-kill-inbox*.
  test('every open PR has exactly its environment at its newest sha, nothing duplicated, no human commit lost, fsck clean', { timeout: 150_000 }, async () => {
    const started = Date.now();
    const cwd = await mkdtemp(join(tmpdir(), 'previewd-kill-'));
    let remote: GitOpsRemote | undefined;
    let github: FakeGitHub | undefined;
    let proc: PreviewdProcess | undefined;
    try {
      // Pushes are held for a while during the second half, so that the kill finds commits made and not yet
      // pushed (and may cut a push in flight): what a restart must publish before anything else happens.
      let holdPushes = false;
      remote = await createGitOpsRemote(seed(), {
        beforeRequest: async (method, path) => {
          if (holdPushes && method === 'POST' && path.endsWith('/git-receive-pack')) await new Promise((r) => setTimeout(r, 1_500));
        },
      });
      github = await createFakeGitHub();
      github.addToken(TOKEN);
      const repo = github.repo('demo/app');
      const open = new Map<number, string>();
      const events: Array<{ event: string; payload: Json; delivery: string }> = [];
      for (let pr = 1; pr <= PRS; pr++) {
        const last = synced(pr) ? sha(pr, 2) : sha(pr, 1);
        // GitHub's truth is the PRs' final state; the events are how they got there.
        repo.setPull(pr, { state: closed(pr) ? 'closed' : 'open', headSha: last, headRef: `feature-${pr}`, user: 'alice' });
        if (!closed(pr)) open.set(pr, last);
        events.push({ event: 'pull_request', payload: pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr, 1), author: 'alice' }), delivery: `open-${pr}` });
      }
      for (let pr = 1; pr <= PRS; pr++) {
        if (synced(pr)) events.push({ event: 'pull_request', payload: pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr, 2), action: 'synchronize', author: 'alice' }), delivery: `sync-${pr}` });
        if (closed(pr)) events.push({ event: 'pull_request', payload: pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr, 1), action: 'closed', author: 'alice' }), delivery: `close-${pr}` });
      }
      const env = {
        PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(cwd, 'data'), WEBHOOK_SECRET: SECRET,
        GITOPS_REPO_URL: remote.url, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, LOG_LEVEL: 'warn',
      };
      proc = await startPreviewdProcess(env, cwd);
      const start = await remote.remoteHead();
      const previewdCommits = async () => Number(await git(remote?.bare ?? '', ['rev-list', '--count', '--author=previewd', `${start}..main`]).catch(() => '0'));

      // The burst in two halves: webhooks are taken far faster than commits are made, so the kill lands
      // while accepted work is still queued and while the second half is still being delivered.
      const humans: string[] = [];
      let acceptedSoFar = 0;
      const current = proc;
      const half = Math.floor(events.length / 2);
      const first = burst(() => current.url, events.slice(0, half), 12, () => void acceptedSoFar++);
      humans.push(await humanPush(remote, 'notes/during-burst-1.md', 'first\n'));
      await first;
      const commitDeadline = Date.now() + 30_000;
      while ((await previewdCommits()) < 5 && Date.now() < commitDeadline) await new Promise((r) => setTimeout(r, 20));
      humans.push(await humanPush(remote, 'notes/during-burst-2.md', 'second\n'));
      holdPushes = true;
      // Paced (about 1.5 s for the half) so that the kill is sure to fall inside it.
      const second = burst(() => current.url, events.slice(half), 2, () => void acceptedSoFar++, 20);
      const killDeadline = Date.now() + 10_000;
      while (acceptedSoFar < half + 20 && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 5));
      await proc.kill9();
      holdPushes = false;
      const killedAt = { accepted: acceptedSoFar, commits: await previewdCommits() };
      const sent = await second;
      assert.ok(sent.failed > 0, `the kill came in the middle of the burst (second half: accepted ${sent.accepted}, refused ${sent.failed})`);
      humans.push(await humanPush(remote, 'notes/while-down.md', 'down\n'));

      // Restart on the same DATA_DIR (its clone is as the kill left it). The commits the killed process made
      // and could not push are replayed on the fetched tip and pushed at start: before the resync reads the
      // remote, not some time after it (they would undo its work: a closed PR's environment made again).
      const leftovers = await pendingInClone(env.DATA_DIR, remote.bare);
      proc = await startPreviewdProcess(env, cwd);
      // Polled, bounded below the idle probe's 30 s: only a push at start gets them out in time.
      const pushDeadline = Date.now() + 20_000;
      // The resync at start commits meanwhile, so the clone may never be empty at a poll: the leftovers are
      // out once the clone is empty or the remote holds that many more of previewd's commits than at the kill.
      const pushedAtStart = async () => (await pendingInClone(env.DATA_DIR, remote?.bare ?? '')) === 0 || (await previewdCommits()) >= killedAt.commits + leftovers;
      while (!(await pushedAtStart()) && Date.now() < pushDeadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(await pushedAtStart(), `the restarted service pushed the ${leftovers} commit(s) the kill left unpublished\n${proc.log().slice(-4000)}`);
      await remoteSettled(remote, 1_000, 15_000);
      console.log(`the kill left ${leftovers} commit(s) unpublished`);
      const t0 = Date.now();
      const round = await runCli(['reconcile', '--once'], env, cwd);
      assert.equal(round.code, 0, `${round.stdout}\n${round.stderr}`);
      const t1 = Date.now();
      await remoteSettled(remote, 2_000, 60_000);
      // A second round finds nothing to do: the first converged.
      const again = await runCli(['reconcile', '--once'], env, cwd);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^0 commit\(s\)/m, again.stdout);
      await remoteSettled(remote, 1_000, 30_000);

      // The kill found accepted work unpublished: commits made while the pushes were held and never pushed,
      // or accepted events not yet committed (only the journal had them), whose commits came after the restart.
      const finalCommits = await previewdCommits();
      assert.ok(leftovers > 0 || finalCommits > killedAt.commits, `accepted work was unpublished at the kill (${killedAt.commits} commits on the remote then, ${finalCommits} now, ${leftovers} in the clone)`);
      await assertRemoteConverged(remote, { owner: 'demo', repo: 'app', open, closed: [...Array(PRS).keys()].map((i) => i + 1).filter(closed), others: humans });
      assert.equal(await proc.stop(), 0, proc.log().slice(-3000));
      // What this run went through, for whoever reads a slow or failed CI log.
      console.log(`kill -9 after ${killedAt.accepted} accepted deliveries and ${killedAt.commits} commits; ${sent.failed} deliveries refused; burst ${t0 - started} ms, reconcile --once ${t1 - t0} ms, ${Date.now() - started} ms in all`);
    } finally {
      proc?.child.kill('SIGKILL');
      await github?.close();
      await remote?.close();
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
