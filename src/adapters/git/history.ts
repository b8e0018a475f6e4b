import type { CommitObject } from 'isomorphic-git';
import { actionOf, parseCommitMessage } from '../../domain/commit-message.ts';
import type { HistoryRecord } from '../../ports/gitops-store.ts';
import type { RepoContext } from './repo-context.ts';
import { folderAt, folderChanged, readCommitObject } from './tree-read.ts';

function readCommit(ctx: RepoContext, oid: string): Promise<CommitObject> {
  return readCommitObject(ctx, oid);
}

/** A commit as one history record: previewd's trailers, or `manual` with the author as actor. */
export function historyRecord(oid: string, commit: CommitObject, removed: boolean): HistoryRecord {
  const parsed = parseCommitMessage(commit.message);
  const action = actionOf(parsed);
  return {
    commit: oid,
    action,
    subject: parsed.subject,
    sha: parsed.trailers.get('Preview-Sha') ?? null,
    actor: (action === 'manual' ? undefined : parsed.trailers.get('Preview-Actor')) ?? commit.author.name,
    delivery: parsed.trailers.get('Preview-Delivery') ?? null,
    author: { name: commit.author.name, email: commit.author.email },
    time: new Date(commit.author.timestamp * 1000).toISOString(),
    removed,
  };
}

/**
 * `git log --first-parent -- <folder>`, newest first: the commits whose tree differs from their first
 * parent's at the folder. Each step compares tree ids from the root down and stops at the first equal
 * level, so commits for other repositories cost one comparison.
 */
export async function folderHistory(ctx: RepoContext, tip: string | null, folder: string, limit: number, maxCommits = Number.POSITIVE_INFINITY): Promise<HistoryRecord[]> {
  const records: HistoryRecord[] = [];
  let oid = tip;
  let commit = oid === null ? null : await readCommit(ctx, oid);
  let walked = 0;
  while (oid !== null && commit !== null && records.length < limit && walked++ < maxCommits) {
    const parentOid = commit.parent[0] ?? null;
    const parent = parentOid === null ? null : await readCommit(ctx, parentOid);
    if (await folderChanged(ctx, commit.tree, parent?.tree ?? null, folder)) {
      records.push(historyRecord(oid, commit, (await folderAt(ctx, commit.tree, folder)) === null));
    }
    oid = parentOid;
    commit = parent;
  }
  return records;
}

/** First-parent steps from `from` down to `ancestor`, or null when it is not within `max` of them. */
export async function firstParentSteps(ctx: RepoContext, from: string, ancestor: string, max: number): Promise<number | null> {
  let oid: string | null = from;
  for (let steps = 0; oid !== null && steps <= max; steps++) {
    if (oid === ancestor) return steps;
    oid = (await readCommit(ctx, oid)).parent[0] ?? null;
  }
  return null;
}
