import { git } from './git-cli.ts';
import type { FakeKube } from './fake-kube.ts';
import { loadArgoTestdata, previewApplication, type ArgoTestObject } from './fake-kube.ts';

/**
 * Argo CD's part, played over the fake Kubernetes API: the ApplicationSet's git files generator (one
 * Application per `previews/*\/*\/*\/preview.json` on the GitOps branch, named by its `id`) and the
 * statuses the application controller would write, starting from Argo CD's own objects.
 */
export interface FakeArgoCd {
  /** Runs the generator once: creates Applications for new preview.json files, deletes the gone ones. */
  generate(): Promise<string[]>;
  /** The branch's tip on the GitOps remote (what Argo CD would report as the synced revision). */
  head(): Promise<string>;
  /** Synced and running the sync; health Progressing. */
  progressing(id: string, revision: string): void;
  /** Synced at `revision`, last operation Succeeded, Healthy, with the external URL. */
  healthy(id: string, revision: string, url?: string): void;
  /** Synced at `revision` but Degraded, with Argo CD's degraded example resources and a message. */
  degraded(id: string, revision: string, message: string): void;
  /** How many times previewd asked for an ApplicationSet refresh. */
  refreshes(): number;
}

export async function createFakeArgoCd(kube: FakeKube, bare: string, repoURL = 'https://git.example.com/platform/gitops.git'): Promise<FakeArgoCd> {
  const testdata = await loadArgoTestdata();
  const real = testdata['application-from-applicationset'];
  // Argo CD's degraded example carries only its health; its resources come from the full object, with
  // the Deployment's health turned Degraded the way Argo CD 2.x records it.
  const degradedHealth = (testdata['application-degraded'].status as { health?: Record<string, unknown> } | undefined)?.health ?? { status: 'Degraded' };
  const realResources = ((real.status as { resources?: Array<Record<string, unknown>> } | undefined)?.resources ?? []);
  kube.upsertApplicationSet({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'previews', namespace: 'argocd' }, spec: { generators: [], template: {} } });

  const created = new Set<string>();
  function status(id: string, base: Record<string, unknown>): void {
    kube.setStatus(id, base);
  }
  function synced(revision: string, phase: string, health: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      ...structuredClone((real as ArgoTestObject).status ?? {}),
      sync: { status: 'Synced', revision },
      health,
      operationState: { phase, message: phase === 'Succeeded' ? 'successfully synced (all tasks run)' : 'waiting for healthy state', syncResult: { revision }, startedAt: new Date().toISOString() },
      ...extra,
    };
  }
  return {
    async generate() {
      const listing = await git(bare, ['ls-tree', '-r', '--name-only', 'main', 'previews']);
      const wanted = new Map<string, { folder: string; namespace: string }>();
      for (const path of listing.split('\n').filter((p) => /^previews\/[^/]+\/[^/]+\/[^/]+\/preview\.json$/.test(p))) {
        const preview = JSON.parse(await git(bare, ['show', `main:${path}`])) as { id: string; namespace: string };
        wanted.set(preview.id, { folder: path.slice(0, -'/preview.json'.length), namespace: preview.namespace });
      }
      // Applications whose preview.json is gone are deleted, as the generator prunes them.
      for (const name of created) {
        if (wanted.has(name)) continue;
        kube.deleteApplication(name);
        created.delete(name);
      }
      for (const [id, { folder, namespace }] of wanted) {
        created.add(id);
        if (kube.get('applications', id, 'argocd')) continue;
        const app = previewApplication(real, { id, status: null });
        app.spec = { ...(app.spec as object), project: 'previews', source: { repoURL, targetRevision: 'main', path: folder }, destination: { server: 'https://kubernetes.default.svc', namespace } };
        kube.upsertApplication(app);
      }
      return [...wanted.keys()];
    },
    head: () => git(bare, ['rev-parse', 'main']),
    progressing(id, revision) {
      status(id, synced(revision, 'Running', { status: 'Progressing', message: 'Waiting for rollout to finish' }));
    },
    healthy(id, revision, url) {
      status(id, synced(revision, 'Succeeded', { status: 'Healthy' }, url ? { summary: { externalURLs: [url] } } : {}));
    },
    degraded(id, revision, message) {
      const resources = realResources.map((r) => (r.kind === 'Deployment' ? { ...r, health: { status: 'Degraded', message } } : structuredClone(r)));
      status(id, synced(revision, 'Succeeded', { ...degradedHealth, message }, { resources }));
    },
    refreshes: () => kube.patches.filter((p) => p.resource === 'applicationsets' && JSON.stringify(p.body).includes('application-set-refresh')).length,
  };
}
