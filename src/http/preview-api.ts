import type { ActionOutcome } from '../domain/action-outcome.ts';
import type { EnvRef } from '../domain/environment.ts';
import type { LiveApplication } from '../domain/live-application.ts';
import type { HistoryRecord } from '../ports/gitops-store.ts';

/** One environment as the API shows it: its preview.json and its live state. */
export interface PreviewSummary {
  owner: string;
  repo: string;
  pr: number;
  folder: string;
  id: string | null;
  namespace: string | null;
  url: string | null;
  /** The PR head sha it runs. */
  sha: string | null;
  branch: string | null;
  author: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  expiresAt: string | null;
  preservedUntil: string | null;
  /** DESIGN.md's states, or `unknown` before previewd has looked at it since its start. */
  state: string;
  reason: string | null;
  /** The GitOps commit that last changed the folder. */
  commit: string | null;
  /** The PR's title as the last event or resync gave it; null until previewd has heard of the PR since its start. */
  title?: string | null;
}

export type { ActionOutcome } from '../domain/action-outcome.ts';
export type { LiveApplication } from '../domain/live-application.ts';

/**
 * What the HTTP API needs of previewd: reads from the GitOps tree and the live state, and writes that
 * go through the reconciler (the one writer) and resolve when its commit is made.
 */
export interface PreviewApi {
  list(): Promise<PreviewSummary[]>;
  get(env: EnvRef): Promise<PreviewSummary | null>;
  history(env: EnvRef): Promise<HistoryRecord[] | null>;
  rollback(env: EnvRef, to: string, actor: string): Promise<ActionOutcome>;
  preserve(env: EnvRef, duration: string, actor: string): Promise<ActionOutcome>;
  destroy(env: EnvRef, actor: string): Promise<ActionOutcome>;
  /** Commits the environment again from the PR's head, even over a hand-made commit (`/preview redeploy`). */
  redeploy(env: EnvRef, actor: string): Promise<ActionOutcome>;
  /** The files of the environment's overlay (paths relative to its folder), or null when it has none. */
  files(env: EnvRef): Promise<Map<string, string> | null>;
  /**
   * Argo CD's Application for the environment as the watch last saw it; null when previewd has no
   * cluster access or there is no such Application (yet).
   */
  live(env: EnvRef): Promise<LiveApplication | null>;
  /**
   * Calls `listener` whenever what `get(env)` answers may have changed (a status the reconciler
   * recorded, a commit published, an Application changed). Returns the unsubscribe function.
   */
  subscribe(listener: (env: EnvRef) => void): () => void;
}
