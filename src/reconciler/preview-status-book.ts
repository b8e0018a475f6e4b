import type { ConfigProblem } from '../domain/config-problem.ts';
import { envFolder, uncheckedEnvFolder, type EnvRef } from '../domain/environment.ts';
import type { PreviewJson } from '../domain/preview-json.ts';
import type { BuildWaitView } from '../domain/render-build-wait.ts';

/** DESIGN.md's preview states. */
export type PreviewState =
  | 'pending' | 'building' | 'committed' | 'deploying' | 'ready' | 'destroyed' | 'failed' | 'sleeping' | 'rolled-back' | 'waiting';

/** What previewd last concluded about one environment; rebuilt from git and GitHub after a restart. */
export interface PreviewStatus {
  env: EnvRef;
  state: PreviewState | 'refused' | 'skipped';
  /** Why, in words a developer reads in the PR. */
  reason?: string;
  /** A refused `.github/preview.yaml`: every problem, for the PR comment. */
  problems?: ConfigProblem[];
  /** A `waitFor` wait on `sha`: what is pending, or the check that failed, or the timeout. */
  build?: BuildWaitView;
  /** The PR head sha this status is about. */
  sha?: string;
  /** The GitOps commit that carries it, once made (replaced by its published id). */
  commit?: string;
  delivery?: string;
  /** The environment's preview.json as committed (id, namespace, url, expiry). */
  preview?: PreviewJson;
  /** The app repository's web URL. */
  repoUrl?: string;
  /** The PR's title and author as the last event or resync gave them (unknown after a restart until then). */
  title?: string;
  author?: string;
  installationId?: number;
  /** The PR was just opened and had no environment: previewd cannot have commented on it yet. */
  firstReport?: boolean;
  /** False until `commit` reached the GitOps remote. */
  published?: boolean;
  /** When `commit` was published (the ApplicationSet's clock starts then). */
  publishedAt?: string;
  at: string;
}

export interface PreviewStatusBook {
  set(status: PreviewStatus): void;
  get(env: EnvRef): PreviewStatus | undefined;
  all(): PreviewStatus[];
  /** A commit reached the remote, possibly under a new id (replayed before it was published). */
  markPublished(local: string, published: string, at: string): PreviewStatus | undefined;
}

export function createPreviewStatusBook(onChange?: (status: PreviewStatus) => void): PreviewStatusBook {
  const byEnv = new Map<string, PreviewStatus>();
  return {
    set(status) {
      byEnv.set(envFolder(status.env), status);
      onChange?.(status);
    },
    // A list looks up every environment: the ref was checked when it was set, or it finds nothing.
    get: (env) => byEnv.get(uncheckedEnvFolder(env)),
    all: () => [...byEnv.values()],
    markPublished(local, published, at) {
      for (const status of byEnv.values()) {
        if (status.commit !== local) continue;
        const next = { ...status, commit: published, published: true, publishedAt: at };
        byEnv.set(envFolder(status.env), next);
        onChange?.(next);
        return next;
      }
      return undefined;
    },
  };
}
