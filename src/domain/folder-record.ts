import type { PreviewAction } from './commit-message.ts';

/** One commit in an environment folder's history, newest first (what `git log -- <folder>` shows). */
export interface FolderRecord {
  commit: string;
  /** `manual` for a commit previewd did not make (a hand edit, a `git revert`). */
  action: PreviewAction | 'manual';
  subject: string;
  /** The PR head sha the commit deployed, when it says. */
  sha: string | null;
  /** `Preview-Actor`, or the author's name for a manual commit. */
  actor: string;
  delivery: string | null;
  author: { name: string; email: string };
  /** Commit time, ISO 8601. */
  time: string;
  /** True when the environment's folder is absent after this commit. */
  removed: boolean;
}
