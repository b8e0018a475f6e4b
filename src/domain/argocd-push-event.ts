import type { EnvRef } from './environment.ts';
import { envFolder } from './environment.ts';

/** One of previewd's commits that reached the GitOps remote, as the push event lists it. */
export interface PushedCommit {
  env: EnvRef;
  /** The id on the remote. */
  commit: string;
  subject: string;
}

export interface PushEventInput {
  /** GITOPS_REPO_URL: the remote Argo CD's ApplicationSet and Applications read. */
  repoUrl: string;
  branch: string;
  /** Oldest first; the last one is the branch's new tip. */
  commits: readonly PushedCommit[];
  author: { name: string; email: string };
  now: Date;
}

/**
 * The repository's web address as GitHub puts it in `repository.html_url`: no credentials, query,
 * fragment, trailing slash or `.git`. Argo CD builds its match from this URL's host and path only
 * (scheme, user and port optional, `.git` optional), so `https://git.example.com/platform/gitops.git`
 * and `https://git.example.com/platform/gitops` find the same Applications.
 */
export function repositoryWebUrl(repoUrl: string): string {
  const url = new URL(repoUrl);
  const path = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * A GitHub `push` event for previewd's commits on the GitOps branch, with the fields Argo CD's webhook
 * handlers read (util/webhook and applicationset/webhook): `ref` as `refs/heads/<branch>` (the revision
 * Applications and the git generator compare with), `repository.html_url` (which repository),
 * `repository.default_branch` (for Applications that track HEAD: previewd's branch is the one they
 * deploy), `after` and each commit's `modified` paths, matched against `manifest-generate-paths` —
 * the environment's folder, so only that preview's Application is refreshed. Every other field has
 * GitHub's type: Argo CD decodes the whole body into its push payload and refuses a mismatch. Pure.
 */
export function argoCdPushEvent(input: PushEventInput): Record<string, unknown> {
  const web = repositoryWebUrl(input.repoUrl);
  const fullName = new URL(web).pathname.replace(/^\/+/, '');
  const segments = fullName.split('/');
  const tip = input.commits.at(-1)?.commit ?? '';
  const person = { name: input.author.name, email: input.author.email, username: '' };
  const commits = input.commits.map((c) => ({
    id: c.commit, tree_id: '', distinct: true, message: c.subject, timestamp: input.now.toISOString(), url: '',
    author: person, committer: person, added: [], removed: [], modified: [envFolder(c.env)],
  }));
  return {
    ref: `refs/heads/${input.branch}`,
    // The tip before the push is not known here; GitHub's "unknown" would make Argo CD look up a cache
    // entry for a revision that never existed. Left empty, Argo CD skips that step.
    before: '',
    after: tip,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: '',
    commits,
    head_commit: commits.at(-1) ?? null,
    repository: {
      name: segments.at(-1) ?? fullName,
      full_name: fullName,
      owner: { login: segments[0] ?? '', name: segments[0] ?? '' },
      private: true,
      html_url: web,
      url: web,
      clone_url: repositoryCloneUrl(input.repoUrl),
      default_branch: input.branch,
      master_branch: input.branch,
    },
    pusher: { name: input.author.name, email: input.author.email },
  };
}

/** GITOPS_REPO_URL without credentials, query or fragment. */
function repositoryCloneUrl(repoUrl: string): string {
  const url = new URL(repoUrl);
  return `${url.protocol}//${url.host}${url.pathname}`;
}
