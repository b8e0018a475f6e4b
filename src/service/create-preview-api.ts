import type { ActionOutcome } from '../domain/action-outcome.ts';
import { envFolder, uncheckedEnvFolder, type EnvRef } from '../domain/environment.ts';
import { liveApplication } from '../domain/live-application.ts';
import type { PreviewCommand } from '../domain/preview-command.ts';
import { parsePreviewJson, type PreviewJson } from '../domain/preview-json.ts';
import type { PreviewApi, PreviewSummary } from '../http/preview-api.ts';
import type { Cluster } from '../ports/cluster.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import { previewView, type PreviewViewDeps } from '../reconciler/preview-view.ts';
import type { PreviewStatusBook } from '../reconciler/preview-status-book.ts';
import type { ReconcileRequest } from '../reconciler/reconcile-request.ts';
import type { ChangeFeed } from './change-feed.ts';

export interface PreviewApiDeps {
  store: Pick<GitOpsStore, 'listEnvironments' | 'readEnvironment' | 'history' | 'contains' | 'head' | 'stepsBetween'>;
  statuses: Pick<PreviewStatusBook, 'get'>;
  enqueue: (req: ReconcileRequest) => boolean;
  /** The live Applications (null: no cluster access). */
  cluster?: Pick<Cluster, 'get'> | null;
  /** Fetches the GitOps branch when the view is older than the fetch interval (others commit too). */
  fresh?: () => Promise<void>;
  now?: () => Date;
  /** Where "this environment may have changed" is heard (absent: nobody is ever told). */
  changes?: Pick<ChangeFeed, 'subscribe'>;
}

// How far a view's memo of each folder's newest commit is carried to a newer tip (see below).
const CARRY_STEPS = 500;

/** The HTTP API's view of previewd: reads from the GitOps tree, writes through the reconciler. */
export function createPreviewApi(deps: PreviewApiDeps): PreviewApi {
  // preview.json by folder, keyed by the folder's tree id: equal ids mean equal content, so a list reads
  // only the folders that changed since the last one (2,000 tree reads cost seconds). A cache of the
  // GitOps tree, rebuilt by the next list; folders gone from the tree leave it.
  const previews = new Map<string, { tree: string; preview: PreviewJson | null }>();
  // Each folder's newest record (the view's `history(env, { limit: 1 })`), for one tip: a list asks it of
  // every folder, and on a deep history each walk goes back to the folder's last change. A new tip that
  // descends from the last one (within CARRY_STEPS first-parent commits) carries the last memo over:
  // only the commits since are walked, and a folder none of them changed keeps its record. Anything
  // else (history rewritten, a long way on) starts an empty memo. (The folder's tree id alone would not
  // do: a revert to equal content is a new record.)
  type Memo = Map<string, ReturnType<GitOpsStore['history']>>;
  let newest: { tip: string | null; records: Memo; carried: { records: Memo; steps: number } | null } = { tip: null, records: new Map(), carried: null };
  const memoStore: PreviewViewDeps['store'] = {
    contains: (revision, commit) => deps.store.contains(revision, commit),
    readEnvironment: (env, at) => deps.store.readEnvironment(env, at),
    history(env, opts) {
      if (opts?.limit !== 1 || opts.from !== undefined) return deps.store.history(env, opts);
      const key = `${uncheckedEnvFolder(env)}\0${opts.maxCommits ?? ''}`;
      let records = newest.records.get(key);
      if (!records) {
        const before = newest.carried?.records.get(key);
        const steps = newest.carried?.steps ?? 0;
        const tip = newest.tip;
        records = before === undefined || tip === null
          ? deps.store.history(env, opts)
          : deps.store.history(env, { ...opts, from: tip, maxCommits: steps }).then((since) => (since.length > 0 ? since : before));
        newest.records.set(key, records);
        // A failed read is not remembered.
        records.catch(() => newest.records.delete(key));
      }
      return records;
    },
  };
  async function startView(): Promise<void> {
    const tip = await deps.store.head();
    if (tip === newest.tip && tip !== null) return;
    const steps = tip !== null && newest.tip !== null ? await deps.store.stepsBetween(tip, newest.tip, CARRY_STEPS) : null;
    newest = { tip, records: new Map(), carried: steps === null ? null : { records: newest.records, steps } };
  }
  // `known`: the list read preview.json from a folder `listEnvironments` found, so the ref is checked.
  async function summary(env: EnvRef, known?: { preview: PreviewJson | null }): Promise<PreviewSummary | null> {
    let p: PreviewJson | null;
    if (known) p = known.preview;
    else {
      const files = await deps.store.readEnvironment(env);
      if (files === null) return null;
      p = parsePreviewJson(files.get('preview.json') ?? '');
    }
    const live = await previewView({ store: memoStore, statuses: deps.statuses, cluster: deps.cluster ?? null, now: deps.now ?? (() => new Date()) }, env, p);
    const status = deps.statuses.get(env);
    return {
      owner: env.owner, repo: env.repo, pr: env.pr, folder: known ? uncheckedEnvFolder(env) : envFolder(env),
      id: p?.id ?? null, namespace: p?.namespace ?? null, url: p?.url ?? null, sha: p?.sha ?? null, branch: p?.branch ?? null,
      author: p?.author ?? null, createdAt: p?.createdAt ?? null, updatedAt: p?.updatedAt ?? null,
      expiresAt: p?.expiresAt ?? null, preservedUntil: p?.preservedUntil ?? null,
      state: live.state, reason: live.reason, commit: live.commit,
      title: status?.title ?? null,
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
      await startView();
      const out: PreviewSummary[] = [];
      const seen = new Set<string>();
      for (const { env, folder, tree } of await deps.store.listEnvironments()) {
        seen.add(folder);
        let cached = previews.get(folder);
        if (cached?.tree !== tree) {
          const files = await deps.store.readEnvironment(env);
          if (files === null) continue;
          cached = { tree, preview: parsePreviewJson(files.get('preview.json') ?? '') };
          previews.set(folder, cached);
        }
        const s = await summary(env, cached);
        if (s) out.push(s);
      }
      for (const folder of previews.keys()) if (!seen.has(folder)) previews.delete(folder);
      return out;
    },
    async get(env) {
      await deps.fresh?.();
      await startView();
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
    redeploy: (env, actor) => act(env, { kind: 'redeploy' }, actor),
    files: (env) => deps.store.readEnvironment(env),
    async live(env) {
      const id = deps.statuses.get(env)?.preview?.id ?? parsePreviewJson((await deps.store.readEnvironment(env))?.get('preview.json') ?? '')?.id;
      const app = id && deps.cluster ? deps.cluster.get(id) : undefined;
      return app ? liveApplication(app) : null;
    },
    subscribe: (listener) => deps.changes?.subscribe(listener) ?? (() => undefined),
  };
}
