import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deploymentStateFor } from '../../src/domain/report-calls.ts';
import type { FakeGitHub } from './fake-github.ts';
import { git } from './git-cli.ts';
import type { GitOpsRemote } from './gitops-remote.ts';
import { pollDelay } from './poll-delay.ts';
import { deliverTo } from './previewd-process.ts';
import { pullRequestPayload } from './webhook-examples.ts';

/** GitHub's side of `prs` PRs of demo/app opened by alice, each at `sha(pr)`. */
export function openPulls(github: FakeGitHub, prs: readonly number[], sha: (pr: number) => string): void {
  for (const pr of prs) github.repo('demo/app').setPull(pr, { state: 'open', headSha: sha(pr), headRef: `feature-${pr}`, user: 'alice' });
}

/** Delivers each PR's signed `opened` event to a running previewd, one after the other; each must get its 202. */
export async function deliverOpened(url: string, secret: string, prs: readonly number[], sha: (pr: number) => string): Promise<void> {
  for (const pr of prs) {
    const answer = await deliverTo(url, secret, 'pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr), author: 'alice' }), `open-${pr}`);
    assert.deepEqual(answer, { status: 202 }, `PR ${pr}'s opened event`);
  }
}

/** Polls `check` until it holds (paced by what each look costs); fails after `ms` with the end of the process log. */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms: number, log: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const looked = Date.now();
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}:\n${log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, pollDelay(Date.now() - looked)));
  }
}

/** How many environments of `owner/repo` the GitOps remote's main branch holds. */
export async function environmentsOnRemote(remote: GitOpsRemote, repo = 'demo/app'): Promise<number> {
  const listing = await git(remote.bare, ['ls-tree', '-r', '--name-only', 'main', `previews/${repo}`]).catch(() => '');
  return [...listing.matchAll(/pr-\d+\/preview\.json/g)].length;
}

/** The PR's previewd comments (by the marker every one carries). */
export function previewdComments(github: FakeGitHub, pr: number, repo = 'demo/app'): string[] {
  return github.repo(repo).comments(pr).filter((c) => c.body.includes('<!-- previewd:')).map((c) => c.body);
}

/** The latest status of each of the PR's Deployments of `sha` ('none': a Deployment without a status). */
export function deploymentStates(github: FakeGitHub, sha: string, repo = 'demo/app'): string[] {
  const fake = github.repo(repo);
  return fake.deployments().filter((d) => d.sha === sha).map((d) => fake.deploymentStatuses(d.id).at(-1)?.state ?? 'none');
}

/** What a PR's Deployment's latest status must be for the state previewd's API shows for it. */
export async function expectedDeploymentState(url: string, pr: number): Promise<string | null> {
  const view = (await (await fetch(`${url}/api/previews/demo/app/${pr}`)).json()) as { state: Parameters<typeof deploymentStateFor>[0] };
  return deploymentStateFor(view.state);
}

/** The PRs `DATA_DIR/reports-owed.json` says are owed a report. */
export async function owedInRecord(dataDir: string): Promise<number[]> {
  const text = await readFile(join(dataDir, 'reports-owed.json'), 'utf8').catch(() => '{"owed":[]}');
  return (JSON.parse(text) as { owed: Array<{ pr: number }> }).owed.map((o) => o.pr);
}
