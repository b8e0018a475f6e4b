import { git } from '../git-cli.ts';
import { loadArgoTestdata, previewApplication } from '../fake-kube.ts';
import type { RealKube } from '../real-kube.ts';
import { argoWriter } from './argo-writer.ts';

const APPSET = (namespace: string): string => `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applicationsets/previews`;
const APPSET_REFRESH = 'argocd.argoproj.io/application-set-refresh';
const APP_REFRESH = 'argocd.argoproj.io/refresh';

/**
 * Argo CD's part on the real API server: the ApplicationSet controller's git files generator and the
 * application controller's status writes, as JSON patches of `.status` (the CRD has no status
 * subresource). Each refresh annotation is taken off once seen, as Argo CD's controllers do.
 */
export interface RealArgoCd {
  generate(): Promise<string[]>;
  head(): Promise<string>;
  progressing(id: string, revision: string): Promise<void>;
  healthy(id: string, revision: string, url?: string): Promise<void>;
  degraded(id: string, revision: string, message: string): Promise<void>;
  /** Whether previewd asked the ApplicationSet to refresh since the last call (the annotation is then removed). */
  takeAppSetRefresh(): Promise<boolean>;
  /** Whether the Application carries previewd's refresh annotation, and who wrote it. */
  appRefresh(id: string): Promise<{ value: string | undefined; managers: string[] }>;
}

export async function createRealArgoCd(kube: RealKube, bare: string, repoURL = 'https://git.example.com/platform/gitops.git'): Promise<RealArgoCd> {
  const testdata = await loadArgoTestdata();
  const real = testdata['application-from-applicationset'];
  const degradedHealth = (testdata['application-degraded'].status as { health?: Record<string, unknown> } | undefined)?.health ?? { status: 'Degraded' };
  const realResources = (real.status as { resources?: Array<Record<string, unknown>> } | undefined)?.resources ?? [];
  const argo = argoWriter(kube);
  const created = new Set<string>();

  function synced(revision: string, phase: string, health: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      ...structuredClone(real.status ?? {}),
      sync: { status: 'Synced', revision },
      health,
      // The CRD requires `operation` inside an operationState.
      operationState: {
        operation: { sync: { revision }, initiatedBy: { automated: true } },
        phase, message: phase === 'Succeeded' ? 'successfully synced (all tasks run)' : 'waiting for healthy state',
        syncResult: { revision }, startedAt: new Date().toISOString(),
      },
      ...extra,
    };
  }
  const set = async (id: string, status: Record<string, unknown>): Promise<void> => void (await argo.setStatus(id, status));

  return {
    async generate() {
      const listing = await git(bare, ['ls-tree', '-r', '--name-only', 'main', 'previews']);
      const wanted = new Map<string, { folder: string; namespace: string }>();
      for (const file of listing.split('\n').filter((p) => /^previews\/[^/]+\/[^/]+\/[^/]+\/preview\.json$/.test(p))) {
        const preview = JSON.parse(await git(bare, ['show', `main:${file}`])) as { id: string; namespace: string };
        wanted.set(preview.id, { folder: file.slice(0, -'/preview.json'.length), namespace: preview.namespace });
      }
      for (const name of created) {
        if (wanted.has(name)) continue;
        await argo.remove(name);
        created.delete(name);
      }
      for (const [id, { folder, namespace }] of wanted) {
        if (created.has(id) || (await argo.get(id))) {
          created.add(id);
          continue;
        }
        const app = previewApplication(real, { id, status: null });
        app.spec = { ...(app.spec as object), project: 'previews', source: { repoURL, targetRevision: 'main', path: folder }, destination: { server: 'https://kubernetes.default.svc', namespace } };
        await argo.create(app);
        created.add(id);
      }
      return [...wanted.keys()];
    },
    head: () => git(bare, ['rev-parse', 'main']),
    progressing: (id, revision) => set(id, synced(revision, 'Running', { status: 'Progressing', message: 'Waiting for rollout to finish' })),
    healthy: (id, revision, url) => set(id, synced(revision, 'Succeeded', { status: 'Healthy' }, url ? { summary: { externalURLs: [url] } } : {})),
    degraded(id, revision, message) {
      const resources = realResources.map((r) => (r.kind === 'Deployment' ? { ...r, health: { status: 'Degraded', message } } : structuredClone(r)));
      return set(id, synced(revision, 'Succeeded', { ...degradedHealth, message }, { resources }));
    },
    async takeAppSetRefresh() {
      const answer = await kube.request('GET', APPSET(kube.namespace));
      const annotations = (answer.body as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations ?? {};
      if (annotations[APPSET_REFRESH] === undefined) return false;
      const patch = await kube.request('PATCH', `${APPSET(kube.namespace)}?fieldManager=argocd-applicationset-controller`, { metadata: { annotations: { [APPSET_REFRESH]: null } } }, 'application/merge-patch+json');
      if (patch.status >= 300) throw new Error(`removing the ApplicationSet's refresh annotation: HTTP ${patch.status} ${JSON.stringify(patch.body)}`);
      return true;
    },
    async appRefresh(id) {
      const app = await argo.get(id);
      const value = (app?.metadata.annotations as Record<string, string> | undefined)?.[APP_REFRESH];
      return { value, managers: (app?.metadata.managedFields ?? []).map((m) => m.manager ?? '') };
    },
  };
}
