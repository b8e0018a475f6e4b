import type { ActionOutcome } from '../domain/action-outcome.ts';
import type { EnvRef } from '../domain/environment.ts';
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
}

export type { ActionOutcome } from '../domain/action-outcome.ts';

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
}
