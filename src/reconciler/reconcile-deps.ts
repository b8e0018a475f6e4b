import type { ConfigValidators } from '../domain/config-validators.ts';
import type { RenderTemplates } from '../domain/render-overlay.ts';
import type { Forge, ForgeChecks, ForgeLifecycle } from '../ports/forge.ts';
import type { ImageRegistry } from '../ports/image-registry.ts';
import type { BuildLine } from './build-line.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import type { PreviewStatusBook } from './preview-status-book.ts';
import type { Publisher } from './publisher.ts';
import type { ReconcileRequest, WorkItem } from './reconcile-request.ts';
import type { RegistryReader } from './registry-reader.ts';
import type { KeyedLock } from './keyed-lock.ts';
import type { WaitingLine } from './waiting-line.ts';

export interface ReconcileLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  child(bindings: object): ReconcileLogger;
}

/** What apply needs beyond the reconcile deps: where to remember which item made which commit. */
export interface ApplyHooks {
  /** A local commit was made for this item: it is settled once published, planned again on a conflict. */
  committed(commit: string, item: WorkItem): void;
  /** The item's effect is published, or was decided as nothing to do: its inbox entries are retired. */
  settled(item: WorkItem): void;
}

/** Everything the reconcile step uses; passed in, so that tests give it fakes. */
export interface ReconcileDeps {
  store: GitOpsStore;
  /** null when GitHub is not configured: no `.github/preview.yaml` is read (defaults apply). */
  forge: Forge | null;
  /** The commands' side of GitHub (reactions, replies, the PR as it is now); null when off. */
  lifecycle: ForgeLifecycle | null;
  /** The check runs and statuses a `waitFor` wait reads; null when GitHub is off. */
  checks: ForgeChecks | null;
  /** The container registries `waitFor: { image: true }` asks; null: none configured. */
  images: ImageRegistry | null;
  /** The environments whose head sha waits for its build. */
  builds: BuildLine;
  registry: RegistryReader;
  validators: ConfigValidators;
  templates: RenderTemplates;
  publisher: Pick<Publisher, 'kick'>;
  statuses: PreviewStatusBook;
  waiting: WaitingLine;
  /**
   * Held by app from counting its environments (`maxPreviews`) until the new environment's commit is
   * made: concurrent opens of one app would otherwise each count the same free slot.
   */
  slots: KeyedLock;
  now: () => Date;
  log: ReconcileLogger;
  /** ALLOWED_REPOS' globs; absent: every repository the registry has. */
  allowedRepos?: readonly string[];
  /** Queues more work (a waiting PR when a slot frees). */
  enqueue: (req: ReconcileRequest) => void;
  /** Fetches the GitOps branch when the local view may be stale (older than the fetch interval). */
  fresh: () => Promise<void>;
  hooks: ApplyHooks;
}
