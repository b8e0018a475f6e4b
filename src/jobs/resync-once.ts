import type { ServiceConfig } from '../domain/config-types.ts';
import { envFolder, type EnvRef } from '../domain/environment.ts';
import { parsePreviewJson } from '../domain/preview-json.ts';
import { isExpired } from '../domain/preview-expiry.ts';
import { repoAllowed } from '../domain/repo-allowed.ts';
import type { PullRequestSnapshot } from '../domain/pull-request.ts';
import type { ForgeLifecycle, RepoRef } from '../ports/forge.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import type { PreviewStatusBook } from '../reconciler/preview-status-book.ts';
import type { ReconcileRequest } from '../reconciler/reconcile-request.ts';
import { syncRequest } from '../reconciler/reconcile-request.ts';
import type { RegistryReader } from '../reconciler/registry-reader.ts';

export interface ResyncDeps {
  store: Pick<GitOpsStore, 'listEnvironments' | 'readFile'>;
  /** Brings the clone up to date with the remote first (people commit there too). */
  fetch?: () => Promise<unknown>;
  registry: RegistryReader;
  /** null when GitHub is not configured: only the TTLs are checked. */
  lifecycle: ForgeLifecycle | null;
  statuses: Pick<PreviewStatusBook, 'get'>;
  enqueue: (req: ReconcileRequest) => boolean;
  now: () => Date;
  /** ALLOWED_REPOS' globs: registered repositories outside them are not scanned (absent: all are). */
  allowedRepos?: readonly string[];
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface ResyncReport {
  repos: number;
  /** Repositories whose open pull requests had not changed (GitHub answered 304). */
  unchanged: number;
  /** Repositories skipped this round because GitHub failed: nothing of theirs was touched. */
  errors: Array<{ repo: string; message: string }>;
  queued: number;
  expired: number;
}

const GLOB = /[*?[\]{}!]/;
const LIST_CONCURRENCY = 4;
const key = (r: RepoRef): string => `${r.owner}/${r.repo}`.toLowerCase();
// A state decided for this head sha that a resync would only decide again (and pay GitHub for).
const DECIDED = new Set(['skipped', 'refused', 'waiting', 'rolled-back']);

async function reposToScan(deps: ResyncDeps, service: ServiceConfig, envs: EnvRef[], errors: ResyncReport['errors']): Promise<RepoRef[]> {
  const repos = new Map<string, RepoRef>();
  for (const env of envs) repos.set(key(env), { owner: env.owner, repo: env.repo });
  // Repositories with environments stay scanned whatever ALLOWED_REPOS says, so that their closed PRs
  // are still cleaned up; the reconciler refuses to deploy outside the list.
  const allowed = (r: RepoRef): boolean => repoAllowed(deps.allowedRepos, r.owner, r.repo);
  const find = deps.registry.finder(service);
  for (const app of service.apps) {
    const [owner = '', repo = ''] = app.repo.split('/');
    if (!GLOB.test(app.repo)) {
      if (allowed({ owner, repo })) repos.set(key({ owner, repo }), { owner, repo });
    } else if (!GLOB.test(owner) && deps.lifecycle) {
      try {
        for (const r of (await deps.lifecycle.listOwnerRepositories(owner)).repos) if (find(r.owner, r.repo) && allowed(r)) repos.set(key(r), r);
      } catch (err) {
        errors.push({ repo: `${owner}/*`, message: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return [...repos.values()];
}

/**
 * One resync round. It only enqueues; the reconciler decides and writes. A lost webhook costs one
 * round: an open PR without its environment (or at an older sha) is queued, an environment whose PR
 * is closed is queued for removal, an expired one for expiry. GitHub failing for a repository skips
 * that repository this round and deletes nothing; an unchanged PR list costs no rate limit.
 */
export async function resyncOnce(deps: ResyncDeps): Promise<ResyncReport> {
  const report: ResyncReport = { repos: 0, unchanged: 0, errors: [], queued: 0, expired: 0 };
  await deps.fetch?.();
  const service = await deps.registry.read();
  const entries = await deps.store.listEnvironments();
  const previews = new Map<string, { env: EnvRef; sha: string | null; expired: boolean }>();
  const now = deps.now();
  for (const { env, folder } of entries) {
    const p = parsePreviewJson((await deps.store.readFile(`${folder}/preview.json`)) ?? '');
    previews.set(folder, { env, sha: p?.sha ?? null, expired: isExpired(p, now) });
  }
  for (const { env, expired } of previews.values()) {
    if (!expired) continue;
    deps.enqueue({ env, items: [{ kind: 'action', env, action: { kind: 'expire' }, actor: 'previewd', cause: 'ttl' }] });
    report.expired++;
  }
  if (!deps.lifecycle) return report;
  const lifecycle = deps.lifecycle;
  const queue = (snapshot: PullRequestSnapshot) => {
    if (deps.enqueue(syncRequest(snapshot, { actor: 'previewd', cause: 'resync', override: false }))) report.queued++;
  };
  // A few repositories at a time: GitHub answers each list in a fraction of a second, and many
  // concurrent requests invite its secondary rate limit.
  const repos = await reposToScan(deps, service, [...previews.values()].map((p) => p.env), report.errors);
  const scan = async (repo: RepoRef): Promise<void> => {
    report.repos++;
    let open: PullRequestSnapshot[];
    try {
      const listed = await lifecycle.listOpenPullRequests(repo);
      if (!listed.changed) report.unchanged++;
      open = listed.pulls;
    } catch (err) {
      report.errors.push({ repo: key(repo), message: err instanceof Error ? err.message : String(err) });
      return;
    }
    const openFolders = new Set<string>();
    for (const pull of open) {
      const folder = envFolder(pull);
      openFolders.add(folder);
      const status = deps.statuses.get(pull);
      if (previews.get(folder)?.sha === pull.headSha) continue;
      if (status?.sha === pull.headSha && DECIDED.has(status.state)) continue;
      queue(pull);
    }
    for (const [folder, { env }] of previews) {
      if (key(env) !== key(repo) || openFolders.has(folder)) continue;
      try {
        const pull = await lifecycle.getPullRequest(env, env.pr);
        if (pull?.state === 'closed') queue(pull);
      } catch (err) {
        report.errors.push({ repo: key(repo), message: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, repos.length) }, async () => {
    while (next < repos.length) await scan(repos[next++] as RepoRef);
  }));
  deps.log.info({ ...report, errors: report.errors.length }, 'resync round');
  for (const e of report.errors) deps.log.warn({ repo: e.repo, message: e.message }, 'resync skipped a repository: GitHub failed');
  return report;
}
