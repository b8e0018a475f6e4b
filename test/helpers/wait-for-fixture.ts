import assert from 'node:assert/strict';
import { git } from './git-cli.ts';
import { startFeedbackFixture, type FeedbackFixture } from './feedback-fixture.ts';
import { skeletonFiles } from './skeleton-files.ts';
import { pullRequestPayload } from './webhook-examples.ts';

// Distinct in their first 7 digits, as the comment shows them.
export const sha = (n: number): string => n.toString(16).padEnd(40, 'c');

const app = (repo: string, waitFor: string) => [
  `  - repo: demo/${repo}`, `    name: ${repo}`, '    base: apps/demo/base', '    images: [registry.example.com/previewd/demo]', '    tagFormat: "{sha}"', '    port: 8080',
  `    waitFor: ${waitFor}`,
].join('\n');
const REPOS = ['app', 'glob', 'jenkins', 'slow'];
/** The skeleton's previewd.yaml with four apps that wait for their build, each its own way. */
export const WAITING_REGISTRY = `${(skeletonFiles()['previewd.yaml'] ?? '').split('apps:')[0]}apps:\n${[
  app('app', '{ checks: [build], timeout: 2h }'),
  app('glob', '{ checks: ["ci / *"], timeout: 2h }'),
  app('jenkins', '{ checks: ["ci/jenkins"], timeout: 2h }'),
  app('slow', '{ checks: [build], timeout: 30m }'),
].join('\n')}\n`;

/** The whole loop (feedback fixture) with apps that wait for their build, and what a test reads of it. */
export interface WaitForFixture {
  f: FeedbackFixture;
  /** Moves the service's clock on (the timeout). */
  advance(ms: number): void;
  comment(repo: string, pr: number): string;
  heading(repo: string, pr: number): string;
  previewJson(repo: string, pr: number): Promise<{ sha: string } | null>;
  /** The subjects of the environment's commits on the remote, newest first. */
  subjects(repo: string, pr: number): Promise<string[]>;
  /** previewd's newest commit status on a sha. */
  previewdStatus(repo: string, commit: string): { state: string; description: string | null } | undefined;
  /** Sets the PR on the fake and delivers its pull_request event. */
  open(repo: string, pr: number, head: string, action?: string): Promise<void>;
  /** The comment once it waits for the build of `head`. */
  waitingComment(repo: string, pr: number, head: string): Promise<string>;
  /** The queue and the reports are quiet. */
  settled(): Promise<void>;
}

export async function startWaitForFixture(): Promise<WaitForFixture> {
  let offsetMs = 0;
  const f = await startFeedbackFixture({ registry: WAITING_REGISTRY, now: () => new Date(Date.now() + offsetMs) });
  // Every registered repository exists on GitHub, so the resync lists each of them.
  for (const repo of REPOS) f.github.repo(`demo/${repo}`);
  const comment = (repo: string, pr: number) => f.github.repo(`demo/${repo}`).comments(pr)[0]?.body ?? '';
  const heading = (repo: string, pr: number) => comment(repo, pr).split('\n')[1] ?? '';
  const folder = (repo: string, pr: number) => `previews/demo/${repo}/pr-${pr}`;
  return {
    f, comment, heading,
    advance(ms) {
      offsetMs += ms;
    },
    async previewJson(repo, pr) {
      return JSON.parse((await f.remote.remoteFile(`${folder(repo, pr)}/preview.json`)) ?? 'null') as { sha: string } | null;
    },
    async subjects(repo, pr) {
      const out = await git(f.remote.bare, ['log', '--format=%s', 'main', '--', folder(repo, pr)]);
      return out === '' ? [] : out.split('\n');
    },
    previewdStatus: (repo, commit) => f.github.repo(`demo/${repo}`).commitStatuses(commit).filter((s) => s.context === 'previewd').at(-1),
    async open(repo, pr, head, action = 'opened') {
      f.github.repo(`demo/${repo}`).setPull(pr, { headSha: head });
      const res = await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo, pr, sha: head, action }));
      assert.equal(res.status, 202);
    },
    waitingComment(repo, pr, head) {
      return f.until(`the comment of demo/${repo}#${pr} waiting for the build of ${head.slice(0, 7)}`, () => {
        const body = comment(repo, pr);
        return /Preview waiting for the build/.test(heading(repo, pr)) && body.includes(`\`${head.slice(0, 7)}\``) ? body : undefined;
      });
    },
    async settled() {
      await f.service.reconciler.idle();
      await f.service.feedback.idle();
    },
  };
}
