import type { KubeAnswer, RealKube } from '../real-kube.ts';

const APPS = (namespace: string): string => `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applications`;

/** An object as the real server keeps it. */
export type KubeObject = { metadata: { name: string; resourceVersion?: string; managedFields?: Array<{ manager?: string; operation?: string }> } & Record<string, unknown> } & Record<string, unknown>;

function ok(answer: KubeAnswer, what: string): KubeObject {
  if (answer.status >= 300) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as KubeObject;
}

/**
 * Argo CD's writes on the real API server, as its controllers make them: the ApplicationSet controller
 * creates and deletes Applications (field manager `argocd-applicationset-controller`), the application
 * controller writes `.status` with a JSON patch (the Application CRD has no status subresource).
 */
export interface ArgoWriter {
  create(app: { metadata: { name: string } & Record<string, unknown> } & Record<string, unknown>): Promise<KubeObject>;
  setStatus(name: string, status: unknown): Promise<KubeObject>;
  get(name: string): Promise<KubeObject | undefined>;
  /** Argo CD's finalizer done: removes it, then deletes. */
  remove(name: string): Promise<void>;
}

export function argoWriter(kube: RealKube, namespace = kube.namespace): ArgoWriter {
  const base = APPS(namespace);
  return {
    async create(app) {
      const { finalizers: _finalizers, ...metadata } = app.metadata as Record<string, unknown>;
      const body = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...app, metadata: { ...metadata, namespace } };
      return ok(await kube.request('POST', `${base}?fieldManager=argocd-applicationset-controller`, body), `creating Application ${app.metadata.name}`);
    },
    async setStatus(name, status) {
      const patch = [{ op: 'add', path: '/status', value: status }];
      return ok(await kube.request('PATCH', `${base}/${encodeURIComponent(name)}?fieldManager=argocd-application-controller`, patch, 'application/json-patch+json'), `patching the status of ${name}`);
    },
    async get(name) {
      const answer = await kube.request('GET', `${base}/${encodeURIComponent(name)}`);
      return answer.status === 404 ? undefined : ok(answer, `getting ${name}`);
    },
    async remove(name) {
      await kube.request('PATCH', `${base}/${encodeURIComponent(name)}`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
      const answer = await kube.request('DELETE', `${base}/${encodeURIComponent(name)}`);
      if (answer.status >= 300 && answer.status !== 404) throw new Error(`deleting ${name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    },
  };
}
