import type { ActionOutcome } from '../domain/action-outcome.ts';
import type { EnvRef } from '../domain/environment.ts';
import type { PreviewCommand } from '../domain/preview-command.ts';
import type { PullRequestSnapshot } from '../domain/pull-request.ts';

/** Bring the environment in line with its pull request as it is now. */
export interface SyncItem {
  kind: 'sync';
  /**
   * The inbox entries this item answers for (more than one once a burst is coalesced); each is told
   * back (`onSettled`) once the item is settled: published, or decided as nothing to do.
   */
  ids?: readonly string[];
  snapshot: PullRequestSnapshot;
  /** Who caused it (sender, or `previewd` for a resync). */
  actor: string;
  delivery?: string;
  /** What caused it, for logs (`pull_request.synchronize`, `resync`). */
  cause: string;
  /**
   * A push (or a reopen, or a close) may change an environment whose last commit previewd did not make
   * or was an explicit rollback or destroy; a resync may not: the human's (or the command's) word stands.
   */
  override: boolean;
  /**
   * Replayed from the inbox after a restart: the event may be minutes old (the PR closed or pushed to
   * since), so the PR is read from GitHub again before planning, when GitHub is on.
   */
  replayed?: boolean;
}

/** An explicit action: a `/preview` command, an API write, or the TTL. */
export interface ActionItem {
  kind: 'action';
  /** The inbox entries this item answers for; told back once the item is settled. */
  ids?: readonly string[];
  /** The environment it acts on (also the request's). */
  env: EnvRef;
  action: PreviewCommand | { kind: 'expire' };
  actor: string;
  delivery?: string;
  cause: string;
  /** The PR comment that asked, to acknowledge and answer it. */
  comment?: { id: number; authorAssociation: string };
  /** For commands without a webhook snapshot: the app repository's URL and installation. */
  repoUrl?: string;
  installationId?: number;
  /** A command that could not be read: answered with this, and nothing else done. */
  invalid?: string;
  /** Told the outcome once the action is done (the API waits on it). */
  done?: (outcome: ActionOutcome) => void;
}

export type WorkItem = SyncItem | ActionItem;

/** One piece of work for the reconciler: an environment and what happened to it, in arrival order. */
export interface ReconcileRequest {
  env: EnvRef;
  items: WorkItem[];
}

/**
 * Coalescing: items keep their order; consecutive syncs become one for the newest snapshot (five
 * pushes in a second are one commit), and a push among them keeps its right to override. The one
 * answers for the inbox entries of all: none is settled before the commit that carries them all.
 * `waiting` is consumed: the work queue replaces it with the request returned (see joinIds).
 */
export function mergeRequests(waiting: ReconcileRequest, incoming: ReconcileRequest): ReconcileRequest {
  const items = [...waiting.items];
  for (const item of incoming.items) {
    const last = items[items.length - 1];
    if (item.kind === 'sync' && last?.kind === 'sync') {
      const ids = joinIds(last.ids, item.ids);
      items[items.length - 1] = { ...item, override: item.override || last.override, ...(ids ? { ids } : {}) };
    } else items.push(item);
  }
  return { env: incoming.env, items };
}

// Marks an id list that only a coalesced item holds: made by joinIds, never handed to anyone else.
const COALESCED = Symbol('coalesced ids');

// A stream of events for one PR coalesces into one waiting item that answers for every one of them
// (thousands at a burst's rate, the settle delay restarting with each): copying the list at every merge
// made such a stream quadratic (~100 µs an event after 4,000). The first merge copies the list into one
// of the item's own; later merges extend it in place. That is safe because the waiting request is the
// work queue's and is replaced by the one returned: no one else holds the list.
function joinIds(waiting: readonly string[] | undefined, incoming: readonly string[] | undefined): readonly string[] | undefined {
  if (!incoming || incoming.length === 0) return waiting;
  if (!waiting || waiting.length === 0) return incoming;
  const owned: string[] = COALESCED in waiting ? (waiting as unknown as string[]) : Object.defineProperty([...waiting], COALESCED, { value: true });
  for (const id of incoming) owned.push(id);
  return owned;
}

/** The item, answering also for `more` inbox entries (the ones of an item it takes the place of). */
export function withIds<T extends WorkItem>(item: T, more: readonly string[] | undefined): T {
  if (!more || more.length === 0) return item;
  return { ...item, ids: [...new Set([...more, ...(item.ids ?? [])])] };
}

/** A request to sync with a pull request snapshot. */
export function syncRequest(snapshot: PullRequestSnapshot, fields: Omit<SyncItem, 'kind' | 'snapshot'>): ReconcileRequest {
  return { env: { owner: snapshot.owner, repo: snapshot.repo, pr: snapshot.pr }, items: [{ kind: 'sync', snapshot, ...fields }] };
}
