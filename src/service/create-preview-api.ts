import type { ActionOutcome } from '../domain/action-outcome.ts';
import { envFolder, type EnvRef } from '../domain/environment.ts';
import type { PreviewCommand } from '../domain/preview-command.ts';
import { parsePreviewJson } from '../domain/preview-json.ts';
import type { PreviewApi, PreviewSummary } from '../http/preview-api.ts';
import type { Cluster } from '../ports/cluster.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import { previewView } from '../reconciler/preview-view.ts';
import type { PreviewStatusBook } from '../reconciler/preview-status-book.ts';
import type { ReconcileRequest } from '../reconciler/reconcile-request.ts';

export interface PreviewApiDeps {
  store: Pick<GitOpsStore, 'listEnvironments' | 'readEnvironment' | 'history' | 'contains'>;
  statuses: Pick<PreviewStatusBook, 'get'>;
  enqueue: (req: ReconcileRequest) => boolean;
  /** The live Applications (null: no cluster access). */
  cluster?: Pick<Cluster, 'get'> | null;
  /** Fetches the GitOps branch when the view is older than the fetch interval (others commit too). */
  fresh?: () => Promise<void>;
  now?: () => Date;
}

/** The HTTP API's view of previewd: reads from the GitOps tree, writes through the reconciler. */
export function createPreviewApi(deps: PreviewApiDeps): PreviewApi {
  async function summary(env: EnvRef): Promise<PreviewSummary | null> {
    const files = await deps.store.readEnvironment(env);
    if (files === null) return null;
    const p = parsePreviewJson(files.get('preview.json') ?? '');
    const live = await previewView({ store: deps.store, statuses: deps.statuses, cluster: deps.cluster ?? null, now: deps.now ?? (() => new Date()) }, env, p);
    return {
      owner: env.owner, repo: env.repo, pr: env.pr, folder: envFolder(env),
      id: p?.id ?? null, namespace: p?.namespace ?? null, url: p?.url ?? null, sha: p?.sha ?? null, branch: p?.branch ?? null,
      author: p?.author ?? null, createdAt: p?.createdAt ?? null, updatedAt: p?.updatedAt ?? null,
      expiresAt: p?.expiresAt ?? null, preservedUntil: p?.preservedUntil ?? null,
      state: live.state, reason: live.reason, commit: live.commit,
    };
  }
  function act(env: EnvRef, action: PreviewCommand, actor: string): Promise<ActionOutcome> {
    return new Promise((resolve) => {
      const queued = deps.enqueue({ env, items: [{ kind: 'action', env, action, actor, cause: 'api', done: resolve }] });
      if (!queued) resolve({ status: 'refused', message: 'previewd is shutting down; try again in a moment' });
    });
  }
  return {
    async list() {
      await deps.fresh?.();
      const out: PreviewSummary[] = [];
      for (const { env } of await deps.store.listEnvironments()) {
        const s = await summary(env);
        if (s) out.push(s);
      }
      return out;
    },
    async get(env) {
      await deps.fresh?.();
      return summary(env);
    },
    async history(env) {
      await deps.fresh?.();
      const records = await deps.store.history(env);
      if (records.length === 0 && (await deps.store.readEnvironment(env)) === null) return null;
      return records;
    },
    rollback: (env, to, actor) => act(env, { kind: 'rollback', to }, actor),
    preserve: (env, duration, actor) => act(env, { kind: 'preserve', duration }, actor),
    destroy: (env, actor) => act(env, { kind: 'destroy' }, actor),
  };
}
