import { envFolder } from '../domain/environment.ts';
import type { EnvConflict, PublishResult } from '../ports/gitops-store.ts';
import type { PreviewStatusBook } from './preview-status-book.ts';
import { withIds, type ActionItem, type ReconcileRequest, type WorkItem } from './reconcile-request.ts';

export interface ConflictReplannerOptions {
  statuses: PreviewStatusBook;
  enqueue: (req: ReconcileRequest) => boolean;
  now: () => Date;
  log: { info(obj: object, msg: string): void };
  onSettled?: (id: string) => void;
}

/**
 * Remembers which work item made each unpublished commit. A published commit settles its item; a
 * commit dropped because someone else changed the folder meanwhile sends its item back to the queue,
 * to be planned again on the new tip with the other commit among the facts: a newer trigger (a push
 * with a new head, a command) deploys over it, a resync or a redelivery leaves it standing.
 */
export interface ConflictReplanner {
  committed(commit: string, item: WorkItem): void;
  settled(item: WorkItem): void;
  published(result: Pick<PublishResult, 'published' | 'conflicts'>): void;
  conflicts(conflicts: readonly EnvConflict[]): void;
}

export function createConflictReplanner(options: ConflictReplannerOptions): ConflictReplanner {
  const byCommit = new Map<string, WorkItem>();
  const settled = (item: WorkItem | undefined) => {
    for (const id of item?.ids ?? []) options.onSettled?.(id);
  };
  function conflicts(list: readonly EnvConflict[]): void {
    const at = options.now().toISOString();
    for (const c of list) {
      const items = c.dropped.map((commit) => byCommit.get(commit)).filter((i): i is WorkItem => i !== undefined);
      for (const commit of c.dropped) byCommit.delete(commit);
      // The newest item speaks for the environment (coalesced like a burst of pushes), and answers for
      // the inbox entries of all: they stay until its new commit is published.
      const last = items[items.length - 1];
      if (last) {
        // Asked and answered already: the command is not acknowledged, nor answered, twice.
        const again: WorkItem = withIds(last.kind === 'action' ? withoutAnswer(last) : last, items.flatMap((i) => i.ids ?? []));
        options.log.info({ env: envFolder(c.env), dropped: c.dropped, remoteTip: c.remoteTip }, 'someone else changed the environment folder meanwhile; planning again on the new tip');
        if (options.enqueue({ env: c.env, items: [{ ...again, cause: `${again.cause} (planned again after a conflict)` }] })) continue;
      }
      // Nothing to plan again with (commits from before a restart): the other version stands. (When the
      // queue is closing, the items' inbox entries stay unretired: the next start replays them.)
      options.statuses.set({ env: c.env, state: 'rolled-back', reason: 'someone else changed the environment folder in the GitOps repository; their version stands', at });
    }
  }
  return {
    committed: (commit, item) => void byCommit.set(commit, item),
    settled,
    published(result) {
      for (const p of result.published) {
        settled(byCommit.get(p.local));
        byCommit.delete(p.local);
      }
      conflicts(result.conflicts);
    },
    conflicts,
  };
}

function withoutAnswer(item: ActionItem): ActionItem {
  const again = { ...item };
  delete again.done;
  delete again.comment;
  return again;
}
