import { parseCommitMessage } from '../../domain/commit-message.ts';
import type { RepoContext } from './repo-context.ts';
import { createSerial } from './serial.ts';
import { readCommitObject } from './tree-read.ts';

/** The `Preview-Delivery` trailers of a branch's commits, each commit read once. */
export interface DeliveryIndex {
  /** Whether a commit from `tip` down (first parents) carries `Preview-Delivery: delivery`. */
  has(tip: string | null, delivery: string): Promise<boolean>;
  /**
   * A commit just made on `parent`: taken in without reading it back, when the walk has reached its
   * parent already (else the next walk reads it), so that a burst's questions walk nothing.
   */
  made(oid: string, parent: string | null, delivery: string | undefined): void;
}

/**
 * Whether an event was applied before is asked for each new PR of a burst (500 of them); a history walk
 * for each would read the branch's newest commits 500 times. This reads each commit once: the first
 * question walks back `lookback` commits, later ones only the commits made or fetched since, stopping
 * at one already read (the old tip, or the base a replay built on). It may know a delivery whose commit
 * a replay or a rebuild dropped since: a caller that must be sure reads the folder's history.
 */
export function createDeliveryIndex(ctx: RepoContext, lookback: number): DeliveryIndex {
  // Both in the order of the history (oldest first), so that the oldest are forgotten first.
  const read = new Set<string>();
  const deliveries = new Set<string>();
  // One walk at a time: a second question must not stop at a commit the first has marked read but
  // whose older commits it has not reached yet.
  const walks = createSerial();

  function takeIn(oid: string, delivery: string | undefined): void {
    read.add(oid);
    if (delivery === undefined) return;
    // Newest last: a replayed commit brings its delivery to the young end again.
    deliveries.delete(delivery);
    deliveries.add(delivery);
  }

  async function walk(tip: string | null): Promise<void> {
    const found: Array<{ oid: string; delivery: string | undefined }> = [];
    for (let oid = tip; oid !== null && !read.has(oid) && found.length < lookback;) {
      const commit = await readCommitObject(ctx, oid);
      found.push({ oid, delivery: parseCommitMessage(commit.message).trailers.get('Preview-Delivery') });
      oid = commit.parent[0] ?? null;
    }
    for (const { oid, delivery } of found.reverse()) takeIn(oid, delivery);
    forgetOldest(read, 2 * lookback);
    forgetOldest(deliveries, 2 * lookback);
  }

  return {
    async has(tip, delivery) {
      await walks.run(() => walk(tip));
      return deliveries.has(delivery);
    },
    made(oid, parent, delivery) {
      // Only on a parent already read: a walk stops at a read commit, trusting everything below it.
      if (parent !== null && read.has(parent)) takeIn(oid, delivery);
    },
  };
}

function forgetOldest(set: Set<string>, keep: number): void {
  for (const oldest of set) {
    if (set.size <= keep) return;
    set.delete(oldest);
  }
}
