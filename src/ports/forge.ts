import type { CheckRunFact, StatusFact } from '../domain/build-verdict.ts';
import type { RepoPermission } from '../domain/repo-permission.ts';
import type { PullRequestSnapshot } from '../domain/pull-request.ts';

/** A repository on the forge. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** Per-call context: with a GitHub App, the installation that the webhook named. */
export interface ForgeContext {
  installationId?: number;
}

export type { RepoPermission } from '../domain/repo-permission.ts';

/**
 * What previewd asks of GitHub (or another forge). Implementations translate their library's errors
 * into `ForgeError` at this edge. Reporting (comments, deployments, statuses) joins this port with the
 * Argo CD feedback.
 */
export interface Forge {
  /** A file's UTF-8 content at `ref` (a sha or branch), or null when the file or ref does not exist. */
  readFile(repo: RepoRef, path: string, ref: string, ctx?: ForgeContext): Promise<string | null>;
  /** Every path a pull request changes (all pages). */
  listPullRequestFiles(repo: RepoRef, pr: number, ctx?: ForgeContext): Promise<string[]>;
  /** The login that most recently added `label` to the pull request, or null if it was never added. */
  labelAddedBy(repo: RepoRef, pr: number, label: string, ctx?: ForgeContext): Promise<string | null>;
  /** A user's permission on the repository (`none` for a stranger). */
  permission(repo: RepoRef, user: string, ctx?: ForgeContext): Promise<RepoPermission>;
}

/** What the resync and the PR commands ask of GitHub. */
export interface ForgeLifecycle {
  /** One pull request as it is now, or null when it does not exist. */
  getPullRequest(repo: RepoRef, pr: number, ctx?: ForgeContext): Promise<PullRequestSnapshot | null>;
  /**
   * The open pull requests of a repository (every page). Conditional on the ETags of the previous
   * answer: when nothing changed GitHub answers 304, which costs no rate limit, and `changed` is false
   * (the pulls are the remembered ones).
   */
  listOpenPullRequests(repo: RepoRef, ctx?: ForgeContext): Promise<{ pulls: PullRequestSnapshot[]; changed: boolean }>;
  /** The repositories of an owner (organization or user), conditional like the pull requests. */
  listOwnerRepositories(owner: string, ctx?: ForgeContext): Promise<{ repos: RepoRef[]; changed: boolean }>;
  /** A reaction on an issue comment (👀 to acknowledge a command, then 👍 or 😕). */
  addReaction(repo: RepoRef, commentId: number, content: CommentReaction, ctx?: ForgeContext): Promise<void>;
  /** A new comment on the pull request (a reply to a command; not previewd's status comment). */
  replyToPullRequest(repo: RepoRef, pr: number, body: string, ctx?: ForgeContext): Promise<void>;
}

/**
 * What a `waitFor` wait asks of GitHub about one commit. The two lists are conditional on the ETags of
 * the previous answer for the same sha: when nothing changed GitHub answers 304, which costs no rate
 * limit, `changed` is false and the remembered items stand in. That makes asking every resync round
 * for every waiting sha cheap: a round in which no build moved costs 304s only.
 */
export interface ForgeChecks {
  /**
   * The check runs on `sha`, every page: the newest run of each name per app (GitHub's `filter=latest`),
   * as `GET /repos/{owner}/{repo}/commits/{sha}/check-runs` lists them.
   */
  listCheckRuns(repo: RepoRef, sha: string, ctx?: ForgeContext): Promise<{ runs: CheckRunFact[]; changed: boolean }>;
  /** The newest commit status of each context on `sha` (the combined status, every page). */
  listCommitStatuses(repo: RepoRef, sha: string, ctx?: ForgeContext): Promise<{ statuses: StatusFact[]; changed: boolean }>;
  /**
   * The open pull requests whose head is `sha` (`GET /repos/{owner}/{repo}/commits/{sha}/pulls`), for a
   * CI event that named none: GitHub leaves pull requests from forks out of check events.
   */
  pullRequestsForCommit(repo: RepoRef, sha: string, ctx?: ForgeContext): Promise<PullRequestSnapshot[]>;
}

export type CommentReaction = 'eyes' | '+1' | '-1' | 'confused' | 'rocket' | 'hooray';

/** Reporting into the pull request: one comment kept up to date, a Deployment, a commit status. */
export interface ForgeReports {
  /**
   * previewd's one comment on a pull request: found by `marker` (a hidden HTML comment at the start of
   * the body) across every page of comments, created when absent, edited only when the body differs.
   * `knownId` (a comment id remembered from earlier) saves the search; a stale one is searched again.
   */
  upsertComment(repo: RepoRef, pr: number, marker: string, body: string, ctx?: ForgeContext & { knownId?: number; searchFirst?: boolean }): Promise<{ id: number; action: 'created' | 'updated' | 'unchanged' }>;
  /**
   * The id of the newest Deployment of `sha` in `environment`, or null: asked before a create whenever
   * the reporter does not remember one, so a crash after GitHub's 201 never makes a second one.
   */
  findDeployment(repo: RepoRef, input: Pick<DeploymentInput, 'sha' | 'environment'>, ctx?: ForgeContext): Promise<number | null>;
  /** A GitHub Deployment of `sha` in `environment`; returns its id. */
  createDeployment(repo: RepoRef, input: DeploymentInput, ctx?: ForgeContext): Promise<number>;
  setDeploymentStatus(repo: RepoRef, deploymentId: number, input: DeploymentStatusInput, ctx?: ForgeContext): Promise<void>;
  /** The commit status `context` on `sha`. */
  setCommitStatus(repo: RepoRef, sha: string, input: CommitStatusInput, ctx?: ForgeContext): Promise<void>;
}

export interface DeploymentInput {
  sha: string;
  /** e.g. `preview/shop#42`. */
  environment: string;
  description: string;
}

export interface DeploymentStatusInput {
  state: 'pending' | 'in_progress' | 'success' | 'failure' | 'inactive';
  description: string;
  environmentUrl?: string;
  logUrl?: string;
}

export interface CommitStatusInput {
  state: 'pending' | 'success' | 'failure' | 'error';
  context: string;
  description: string;
  targetUrl?: string;
}

/**
 * A forge call failed. `transient` (5xx, rate limits, timeouts, network) is worth retrying with backoff;
 * anything else (401, 403 without a rate limit, 422) is not. `status` is the HTTP status when there was one.
 */
export class ForgeError extends Error {
  override name = 'ForgeError';
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
