import { envFolder, type EnvRef } from './environment.ts';

const SEGMENT_RE = /^[A-Za-z0-9._-]+$/;

/**
 * The web page of a GitOps remote, for links in the PR: `https://host/org/repo.git` → `https://host/org/repo`.
 * Only GitHub-style remotes (https, `/org/repo.git`, or `/org/repo` on github.com) have the
 * `/commit/<sha>` and `/commits/<branch>/<path>` pages the comment links to; anything else is null.
 * Credentials in the remote URL (`https://user:token@…`) never reach the result.
 */
export function gitopsWebUrl(remoteUrl: string | null | undefined): string | null {
  if (typeof remoteUrl !== 'string') return null;
  let url: URL;
  try {
    url = new URL(remoteUrl.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:') return null;
  const segments = url.pathname.split('/').slice(1);
  if (segments.length !== 2) return null;
  const [org, last] = segments as [string, string];
  const repo = last.endsWith('.git') ? last.slice(0, -'.git'.length) : url.hostname === 'github.com' ? last : null;
  if (repo === null || !SEGMENT_RE.test(org) || !SEGMENT_RE.test(repo) || repo === '.' || repo === '..') return null;
  return `https://${url.host}/${org}/${repo}`;
}

/** The web page of a GitOps commit, or null when the remote has none. */
export function gitopsCommitUrl(web: string | null, commit: string): string | null {
  return web === null || !/^[0-9a-f]{7,64}$/i.test(commit) ? null : `${web}/commit/${commit}`;
}

/** The environment's history page: its folder's commits on the branch. */
export function gitopsHistoryUrl(web: string, branch: string, env: EnvRef): string {
  const encodedBranch = branch.split('/').map(encodeURIComponent).join('/');
  return `${web}/commits/${encodedBranch}/${envFolder(env)}`;
}
