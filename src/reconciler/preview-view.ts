import type { EnvRef } from '../domain/environment.ts';
import type { Cluster } from '../ports/cluster.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import type { PreviewStatus, PreviewStatusBook } from './preview-status-book.ts';
import { reportView } from './report-view.ts';

export interface PreviewViewDeps {
  store: Pick<GitOpsStore, 'history' | 'readEnvironment' | 'contains'>;
  statuses: Pick<PreviewStatusBook, 'get'>;
  cluster: Pick<Cluster, 'get'> | null;
  now: () => Date;
}

/** What the API and the report say of one environment: one state, from git and the live Application. */
export interface PreviewView {
  state: string;
  reason: string | null;
  commit: string | null;
}

/**
 * The one view of an environment that exists in the tree: the reconciler's last word about it when it
 * is about the folder's newest commit, else (a person's commit, a CLI rollback, a restart) what the
 * folder's history says; then joined with what Argo CD does with it (deploying, ready, failed). Never
 * `unknown`: after a restart the history and the cluster rebuild it.
 */
export async function previewView(deps: PreviewViewDeps, env: EnvRef, preview: PreviewStatus['preview'] | null): Promise<PreviewView> {
  const [last] = await deps.store.history(env, { limit: 1, maxCommits: 2000 });
  const known = deps.statuses.get(env);
  const current = known && (known.published === false || known.commit === undefined || known.commit === last?.commit) && known.state !== 'skipped' ? known : null;
  const status: PreviewStatus = current ?? {
    env, at: deps.now().toISOString(), published: true, ...(preview ? { preview } : {}), ...(preview?.sha ? { sha: preview.sha } : {}),
    ...(last ? { commit: last.commit, publishedAt: last.time } : {}),
    state: last?.action === 'manual' || last?.action === 'rollback' ? 'rolled-back' : preview?.sleeping ? 'sleeping' : 'committed',
    ...(last?.action === 'manual' ? { reason: `changed by ${last.author.name} in ${last.commit.slice(0, 7)}` } : {}),
  };
  const view = await reportView(status, { cluster: deps.cluster, store: deps.store, now: deps.now() });
  return { state: view?.state ?? status.state, reason: view?.reasons[0] ?? status.reason ?? null, commit: status.commit ?? last?.commit ?? null };
}
