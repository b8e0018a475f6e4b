import type { ActionOutcome } from '../domain/action-outcome.ts';
import type { CommitMeta } from '../domain/commit-message.ts';
import { fileSetChanges } from '../domain/file-set-changes.ts';
import type { RenderedPreview } from '../domain/render-overlay.ts';
import { lastRecord, type EnvFacts } from './env-facts.ts';
import type { PreviewStatus } from './preview-status-book.ts';
import type { ReconcileDeps, ReconcileLogger } from './reconcile-deps.ts';

type StatusBase = Omit<PreviewStatus, 'state' | 'at'>;

/**
 * Commits a rendered environment (only what differs from the folder), records the status the PR
 * report starts from, and asks for a push. Nothing changed: no commit, but the status is still set,
 * so that a restarted previewd reports on environments it did not have to touch.
 */
export async function commitRendered(deps: ReconcileDeps, facts: EnvFacts, rendered: RenderedPreview, meta: Omit<CommitMeta, 'id'>, base: StatusBase, log: ReconcileLogger): Promise<ActionOutcome> {
  const at = deps.now().toISOString();
  const changes = fileSetChanges(rendered.folder, rendered.files, facts.current ?? new Map());
  if (changes.length === 0) {
    const last = await lastRecord(deps, facts.env);
    deps.statuses.set({ ...base, state: 'committed', preview: rendered.preview, published: true, ...(last ? { commit: last.commit, publishedAt: last.time } : {}), at });
    return { status: 'unchanged', message: 'the environment already is what was asked: no commit' };
  }
  const result = await deps.store.commit({ env: facts.env, changes, meta: { ...meta, id: rendered.preview.id } });
  if (result.status !== 'committed') return { status: 'unchanged', message: 'the environment already is what was asked: no commit' };
  deps.statuses.set({ ...base, state: rendered.preview.sleeping ? 'sleeping' : 'committed', commit: result.commit, preview: rendered.preview, published: false, at });
  log.info({ commit: result.commit, action: meta.action }, 'preview committed');
  deps.publisher.kick();
  return { status: 'committed', commit: result.commit, message: `${meta.action}: committed ${result.commit.slice(0, 7)}` };
}

/** Removes the environment's folder in one commit, and lets the first PR waiting for its app in. */
export async function commitDestroy(deps: ReconcileDeps, facts: EnvFacts, meta: Omit<CommitMeta, 'action'> & { action?: 'destroy' | 'expire' }, base: StatusBase, log: ReconcileLogger): Promise<ActionOutcome> {
  const at = deps.now().toISOString();
  const reason = meta.reason ?? 'destroyed';
  if (facts.current === null) {
    deps.statuses.set({ ...base, state: 'destroyed', reason, at });
    return { status: 'unchanged', message: 'there is no environment to remove' };
  }
  const result = await deps.store.commit({ env: facts.env, changes: [{ type: 'delete', path: facts.folder }], meta: { action: 'destroy', ...meta } });
  deps.statuses.set({ ...base, state: 'destroyed', reason, ...(result.status === 'committed' ? { commit: result.commit } : {}), at });
  log.info({ reason }, 'preview destroyed');
  deps.publisher.kick();
  if (facts.app) {
    const next = deps.waiting.first(facts.app.name ?? facts.app.repo);
    if (next) {
      deps.waiting.leave(next.env);
      deps.enqueue({ env: next.env, items: [{ ...next.sync, cause: 'slot-freed' }] });
    }
  }
  return result.status === 'committed'
    ? { status: 'committed', commit: result.commit, message: `${meta.action ?? 'destroy'}: committed ${result.commit.slice(0, 7)}` }
    : { status: 'unchanged', message: 'there is no environment to remove' };
}
