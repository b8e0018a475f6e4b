import type { CheckRunFact, StatusFact } from '../../domain/build-verdict.ts';
import { PayloadError } from '../../domain/payload-fields.ts';
import type { PullRequestSnapshot } from '../../domain/pull-request.ts';
import { readCheckRun, readCommitStatus } from '../../domain/read-check-facts.ts';
import { parsePullRequestObject } from '../../domain/read-pull-request.ts';
import type { ForgeChecks } from '../../ports/forge.ts';
import { createBoundedMap } from './bounded-map.ts';
import { listConditionally, type RememberedPage } from './conditional-pages.ts';
import { repoName, type ForgeCall } from './forge-call.ts';

export interface ForgeChecksOptions {
  perPage: number;
  /** Shas whose pages are remembered for conditional requests, per list (default 2000). */
  rememberShas?: number;
}

/** GitHub sent a check run, a status or a pull request that previewd cannot read. */
export class UnreadableCheckError extends Error {
  override name = 'UnreadableCheckError';
}

const ACCESS_CHECKS = 'read access to Checks';
const ACCESS_STATUSES = 'read access to Commit statuses';

/**
 * The wait's GitHub calls. Pages and ETags are remembered per `owner/repo@sha` in this instance
 * (bounded, least recently used forgotten first), so an unchanged sha costs one 304 per list.
 * Failures leave as ForgeError naming what was being done and the access it needs.
 */
export function createForgeChecks(call: ForgeCall, options: ForgeChecksOptions): ForgeChecks {
  const remember = options.rememberShas ?? 2000;
  const runPages = createBoundedMap<RememberedPage<CheckRunFact>[]>(remember);
  const statusPages = createBoundedMap<RememberedPage<StatusFact>[]>(remember);
  const key = (repo: { owner: string; repo: string }, sha: string) => `${repoName(repo).toLowerCase()}@${sha}`;

  return {
    listCheckRuns(repo, sha, ctx) {
      return call(`listing the check runs of ${repoName(repo)} at ${sha.slice(0, 7)}`, repo, ctx, async (octokit) => {
        const { items, changed } = await listConditionally(octokit, runPages, key(repo, sha), {
          route: 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
          params: { owner: repo.owner, repo: repo.repo, ref: sha, filter: 'latest' },
          perPage: options.perPage,
          itemsOf: (data) => listIn(data, 'check_runs'),
          toItem: (raw) => readable(() => readCheckRun(raw), repo, 'a check run'),
        });
        return { runs: items, changed };
      }, ACCESS_CHECKS);
    },

    listCommitStatuses(repo, sha, ctx) {
      return call(`reading the commit statuses of ${repoName(repo)} at ${sha.slice(0, 7)}`, repo, ctx, async (octokit) => {
        const { items, changed } = await listConditionally(octokit, statusPages, key(repo, sha), {
          route: 'GET /repos/{owner}/{repo}/commits/{ref}/status',
          params: { owner: repo.owner, repo: repo.repo, ref: sha },
          perPage: options.perPage,
          itemsOf: (data) => listIn(data, 'statuses'),
          toItem: (raw) => readable(() => readCommitStatus(raw), repo, 'a commit status'),
        });
        return { statuses: items, changed };
      }, ACCESS_STATUSES);
    },

    pullRequestsForCommit(repo, sha, ctx) {
      return call(`finding the pull requests of ${repoName(repo)} at ${sha.slice(0, 7)}`, repo, ctx, async (octokit) => {
        const pulls = await octokit.paginate('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', { owner: repo.owner, repo: repo.repo, commit_sha: sha, per_page: options.perPage });
        const out: PullRequestSnapshot[] = [];
        for (const raw of pulls as unknown[]) {
          const parsed = parsePullRequestObject(raw);
          if (!parsed.ok) throw new UnreadableCheckError(`GitHub sent a pull request of ${repoName(repo)} that previewd cannot read (${parsed.reason})`);
          // The list also names the merged pull request that brought a commit to the default branch.
          if (parsed.snapshot.state === 'open' && parsed.snapshot.headSha === sha) out.push(ctx?.installationId === undefined ? parsed.snapshot : { ...parsed.snapshot, installationId: ctx.installationId });
        }
        return out;
      }, 'read access to Pull requests');
    },
  };
}

// Both answers wrap their list in an object (`{ total_count, check_runs }`, `{ state, statuses, … }`).
function listIn(data: unknown, field: string): unknown[] {
  const list = (data as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(list)) throw new UnreadableCheckError(`GitHub answered without a ${field} list`);
  return list;
}

function readable<T>(read: () => T, repo: { owner: string; repo: string }, what: string): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof PayloadError) throw new UnreadableCheckError(`GitHub sent ${what} of ${repoName(repo)} that previewd cannot read (${err.message})`, { cause: err });
    throw err;
  }
}
