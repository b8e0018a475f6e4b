/** A repository on the forge. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** Per-call context: with a GitHub App, the installation that the webhook named. */
export interface ForgeContext {
  installationId?: number;
}

export type RepoPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

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
