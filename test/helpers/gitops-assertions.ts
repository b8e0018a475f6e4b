import assert from 'node:assert/strict';
import { git } from './git-cli.ts';
import type { GitOpsRemote } from './gitops-remote.ts';

/** What the remote must hold at the end: each open PR's newest sha, the closed PRs, commits of others. */
export interface ExpectedRemote {
  owner: string;
  repo: string;
  /** PR number → its newest head sha. */
  open: ReadonlyMap<number, string>;
  closed?: readonly number[];
  /** Commits pushed by anyone but previewd: each must be an ancestor of the final tip. */
  others?: readonly string[];
}

/**
 * The remote holds exactly one environment per open PR at its newest sha and none for the others, each
 * created once since its last destroy; every commit of someone else survives; `git fsck --strict` is clean.
 */
export async function assertRemoteConverged(remote: GitOpsRemote, expected: ExpectedRemote): Promise<void> {
  const appDir = `previews/${expected.owner}/${expected.repo}`;
  const files = (await git(remote.bare, ['ls-tree', '-r', '--name-only', 'main', 'previews'])).split('\n').filter((p) => p.endsWith('/preview.json'));
  const wanted = [...expected.open.keys()].sort((a, b) => a - b).map((pr) => `${appDir}/pr-${pr}/preview.json`);
  assert.deepEqual([...files].sort(), [...wanted].sort(), 'exactly one environment per open PR, and nothing else');
  const ids = new Set<string>();
  for (const [pr, sha] of expected.open) {
    const preview = JSON.parse((await remote.remoteFile(`${appDir}/pr-${pr}/preview.json`)) ?? '{}') as { sha?: string; id?: string; pr?: number };
    assert.equal(preview.sha, sha, `pr-${pr} is at its newest sha`);
    assert.equal(preview.pr, pr);
    assert.ok(preview.id && !ids.has(preview.id), `pr-${pr}'s id ${String(preview.id)} is its own`);
    ids.add(preview.id);
  }
  // One `git log` over the whole folder, split per PR: 200 PRs in one call rather than 200.
  const log = (await git(remote.bare, ['log', '--format=%s', 'main', '--', appDir])).split('\n').filter(Boolean);
  const since = new Map<number, string[]>();
  const ended = new Set<number>();
  for (const subject of log) {
    const match = /^preview\([^#]+#(\d+)\): (\w+)/.exec(subject);
    if (!match) continue;
    const pr = Number(match[1]);
    const verb = match[2] ?? '';
    if (ended.has(pr)) continue;
    if (verb === 'destroy' || verb === 'expire') ended.add(pr);
    else since.set(pr, [...(since.get(pr) ?? []), verb]);
  }
  for (const pr of expected.open.keys()) {
    const creates = (since.get(pr) ?? []).filter((v) => v === 'create').length;
    assert.equal(creates, 1, `pr-${pr}: one create since its last destroy, not ${creates} (${(since.get(pr) ?? []).join(', ')})`);
  }
  for (const commit of expected.others ?? []) {
    await git(remote.bare, ['merge-base', '--is-ancestor', commit, 'main']).catch(() => assert.fail(`commit ${commit} of someone else was lost`));
  }
  await remote.fsck();
}

/** Waits (bounded) until the remote's head has not moved for `quietMs`; returns it. */
export async function remoteSettled(remote: GitOpsRemote, quietMs: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let head = await remote.remoteHead();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`the remote kept moving for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
    const now = await remote.remoteHead();
    if (now !== head) {
      head = now;
      since = Date.now();
    }
  }
  return head;
}

/**
 * Pushes a person's commit the way a person would: commit once, then `git pull --rebase` and push again
 * while previewd keeps moving the branch. Bounded by time, not by tries: under a burst on a loaded machine
 * previewd may win many races in a row, and the commit must still land (or the test fail plainly).
 */
export async function humanPush(remote: GitOpsRemote, path: string, content: string, budgetMs = 60_000): Promise<string> {
  const deadline = Date.now() + budgetMs;
  let last: unknown;
  try {
    return await remote.humanCommit({ [path]: content }, `human: ${path}`);
  } catch (err) {
    last = err;
  }
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(50 * attempt, 500)));
    try {
      await git(remote.human, ['pull', '--quiet', '--rebase', 'origin', 'main']);
      await git(remote.human, ['push', '--quiet', 'origin', 'HEAD:main']);
      return await git(remote.human, ['rev-parse', 'HEAD']);
    } catch (err) {
      last = err;
    }
  }
  throw new Error(`could not push ${path} within ${budgetMs} ms: ${String(last)}`);
}
