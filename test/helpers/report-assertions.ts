import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeGitHub } from './fake-github.ts';
import { git } from './git-cli.ts';
import type { GitOpsRemote } from './gitops-remote.ts';

/** Polls `check` every 250 ms until it holds; fails after `ms` with the end of the process log. */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms: number, log: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}:\n${log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
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

/** The PRs `DATA_DIR/reports-owed.json` says are owed a report. */
export async function owedInRecord(dataDir: string): Promise<number[]> {
  const text = await readFile(join(dataDir, 'reports-owed.json'), 'utf8').catch(() => '{"owed":[]}');
  return (JSON.parse(text) as { owed: Array<{ pr: number }> }).owed.map((o) => o.pr);
}
