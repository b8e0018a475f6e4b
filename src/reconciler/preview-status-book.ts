import type { ConfigProblem } from '../domain/config-problem.ts';
import { envFolder, type EnvRef } from '../domain/environment.ts';

/** DESIGN.md's preview states. */
export type PreviewState =
  | 'pending' | 'committed' | 'deploying' | 'ready' | 'destroyed' | 'failed' | 'sleeping' | 'rolled-back' | 'waiting';

/** What previewd last concluded about one environment; rebuilt from git and GitHub after a restart. */
export interface PreviewStatus {
  env: EnvRef;
  state: PreviewState | 'refused' | 'skipped';
  /** Why, in words a developer reads in the PR. */
  reason?: string;
  /** A refused `.github/preview.yaml`: every problem, for the PR comment. */
  problems?: ConfigProblem[];
  /** The PR head sha this status is about. */
  sha?: string;
  /** The GitOps commit that carries it, once made (replaced by its published id). */
  commit?: string;
  delivery?: string;
  at: string;
}

export interface PreviewStatusBook {
  set(status: PreviewStatus): void;
  get(env: EnvRef): PreviewStatus | undefined;
  all(): PreviewStatus[];
  /** A local commit id became another on the remote (replayed before it was published). */
  renameCommit(local: string, published: string): void;
}

export function createPreviewStatusBook(onChange?: (status: PreviewStatus) => void): PreviewStatusBook {
  const byEnv = new Map<string, PreviewStatus>();
  return {
    set(status) {
      byEnv.set(envFolder(status.env), status);
      onChange?.(status);
    },
    get: (env) => byEnv.get(envFolder(env)),
    all: () => [...byEnv.values()],
    renameCommit(local, published) {
      for (const status of byEnv.values()) if (status.commit === local) status.commit = published;
    },
  };
}
