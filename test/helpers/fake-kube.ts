import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { crdProblems, type CrdVersion } from './argo-crds.ts';
import type { KubeFault, KubeVerb } from './fake-kube/faults.ts';
import { handleRequest, type FakeKubeCore, type RecordedRequest } from './fake-kube/handle-request.ts';
import { createObjectStore, type KubeObject } from './fake-kube/object-store.ts';
import type { RecordedPatch } from './fake-kube/resource-handlers.ts';
import { loadArgoResourceTypes, type ResourceType } from './fake-kube/resource-types.ts';
import type { ExpiredAnswer, OpenWatch } from './fake-kube/watch-stream.ts';
import type { K8sObject } from './kustomize-build.ts';

export type { KubeFault, KubeVerb } from './fake-kube/faults.ts';
export type { RecordedRequest } from './fake-kube/handle-request.ts';
export type { KubeObject } from './fake-kube/object-store.ts';
export type { RecordedPatch } from './fake-kube/resource-handlers.ts';
export type { ResourceType } from './fake-kube/resource-types.ts';
export { loadArgoResourceTypes } from './fake-kube/resource-types.ts';
export { runKubectl, watchKubectl, type KubectlResult, type KubectlWatch } from './fake-kube/kubectl.ts';
export { argoTestdataDir, loadArgoTestdata, previewApplication, type ArgoTestdataName, type ArgoTestObject } from './fake-kube/argo-testdata.ts';

/** An object as a test writes it: a name is enough; the fake fills in the rest as the server does. */
export type ObjectInput = { metadata: { name: string; namespace?: string } & Record<string, unknown> } & Record<string, unknown>;

/**
 * A Kubernetes API server on 127.0.0.1 serving Argo CD's resources over the real wire protocol
 * (discovery, list, watch, get, create, update, merge and JSON patch, delete, Tables for kubectl), with
 * the hooks a test needs to play Argo CD's part and to break things.
 */
export interface FakeKube {
  /** The server URL for a kubeconfig (plain HTTP). */
  readonly url: string;
  /** Where the test-side helpers put objects that name no namespace (default `argocd`). */
  readonly namespace: string;
  readonly requests: RecordedRequest[];
  /** Every PATCH, with its content type and parsed body, in order. */
  readonly patches: RecordedPatch[];
  /** A kubeconfig for kubectl and @kubernetes/client-node (HTTP needs `insecure-skip-tls-verify` in client-node). */
  kubeconfig(): string;
  /** Writes the kubeconfig into `dir` and returns its path. */
  writeKubeconfig(dir: string): Promise<string>;
  /** Creates or replaces an object of `resource` (a plural such as `applications`), as a controller would. */
  upsert(resource: string, object: ObjectInput): KubeObject;
  remove(resource: string, name: string, namespace?: string): boolean;
  get(resource: string, name: string, namespace?: string): KubeObject | undefined;
  upsertApplication(app: ObjectInput): KubeObject;
  upsertApplicationSet(appSet: ObjectInput): KubeObject;
  /** Replaces an Application's `status`, as Argo CD's controller does. */
  setStatus(name: string, status: unknown, namespace?: string): KubeObject;
  /** Removes an Application at once (finalizers or not: Argo CD has finished with it). */
  deleteApplication(name: string, namespace?: string): boolean;
  /** Open watch connections. */
  openWatches(): number;
  /** Destroys every open watch connection mid-stream; returns how many. */
  dropWatches(): number;
  /** Ends every open watch cleanly, as the server does at `timeoutSeconds`. */
  endWatches(): number;
  /** Sends a BOOKMARK on every open watch that allowed them. */
  sendBookmarks(): void;
  /**
   * Compacts the history: a watch from any resourceVersion older than the current one gets 410
   * Expired, as an ERROR event in a 200 stream (default, as kube-apiserver does) or as a plain 410.
   */
  expireHistory(options?: { as?: ExpiredAnswer }): void;
  /** Fails the next matching request(s). */
  failNext(fault: KubeFault): void;
  requestsFor(verb: KubeVerb, resource?: string): RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeKubeOptions {
  namespace?: string;
  /** Require this bearer token. */
  token?: string;
  /** How many changes the watch history keeps (default 200). */
  historyLimit?: number;
  /** Validate every write against these CRD schemas (`loadCrds()`), refusing what they refuse (422). */
  crds?: Map<string, CrdVersion>;
  /** The served resource types (default: read from Argo CD's CRDs). */
  types?: ResourceType[];
}

/** Starts the fake on a random loopback port. */
export async function createFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const namespace = options.namespace ?? 'argocd';
  const types = options.types ?? (await loadArgoResourceTypes());
  const store = createObjectStore(options.historyLimit ?? 200);
  let address = '';
  const crds = options.crds;
  const core: FakeKubeCore = {
    types, store, faults: [], requests: [], patches: [], expiredAnswer: 'event',
    ...(options.token !== undefined && { token: options.token }),
    ...(crds && { validate: (_resource: ResourceType, object: KubeObject) => crdProblems(crds, object as K8sObject) }),
    serverAddress: () => address,
    namespaces: () => [...new Set([namespace, ...types.flatMap((t) => store.list(t).map((o) => o.metadata.namespace ?? ''))])].filter(Boolean).sort(),
  };
  const server = createServer((req, res) => {
    handleRequest(core, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: String(error), reason: 'InternalError', code: 500 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `http://${address}`;

  const typeOf = (plural: string): ResourceType => {
    const type = types.find((t) => t.plural === plural);
    if (!type) throw new Error(`the fake serves no resource "${plural}"`);
    return type;
  };
  const watches = (): OpenWatch[] => [...store.watchers] as OpenWatch[];
  const fake: FakeKube = {
    url,
    namespace,
    requests: core.requests,
    patches: core.patches,
    kubeconfig: () => [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
      'users:',
      `- name: fake\n  user:${options.token !== undefined ? `\n    token: ${options.token}` : ' {}'}`,
      'contexts:',
      `- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: ${namespace}`,
      'current-context: fake',
      '',
    ].join('\n'),
    async writeKubeconfig(dir) {
      const file = path.join(dir, 'kubeconfig');
      await writeFile(file, fake.kubeconfig(), { mode: 0o600 });
      return file;
    },
    upsert(plural, input) {
      const type = typeOf(plural);
      const object = { ...input, metadata: { ...input.metadata, namespace: input.metadata.namespace ?? namespace } } as KubeObject;
      object.apiVersion = `${type.group}/${type.version}`;
      object.kind = type.kind;
      const problems = core.validate?.(type, object) ?? [];
      if (problems.length > 0) throw new Error(`the fake would refuse ${type.kind} ${object.metadata.name}: ${problems.join('; ')}`);
      return store.write(type, object);
    },
    remove: (plural, name, ns = namespace) => store.remove(typeOf(plural), ns, name) !== undefined,
    get: (plural, name, ns = namespace) => store.get(typeOf(plural), ns, name),
    upsertApplication: (app) => fake.upsert('applications', app),
    upsertApplicationSet: (appSet) => fake.upsert('applicationsets', appSet),
    setStatus(name, status, ns = namespace) {
      const app = fake.get('applications', name, ns);
      if (!app) throw new Error(`no Application ${ns}/${name} in the fake`);
      return fake.upsert('applications', { ...app, status } as ObjectInput);
    },
    deleteApplication: (name, ns) => fake.remove('applications', name, ns),
    openWatches: () => store.watchers.size,
    dropWatches() {
      const open = watches();
      for (const watch of open) {
        store.watchers.delete(watch);
        watch.drop();
      }
      return open.length;
    },
    endWatches() {
      const open = watches();
      for (const watch of open) {
        store.watchers.delete(watch);
        watch.end();
      }
      return open.length;
    },
    sendBookmarks: () => watches().forEach((w) => w.bookmark()),
    expireHistory(expireOptions) {
      core.expiredAnswer = expireOptions?.as ?? 'event';
      store.compact();
    },
    failNext: (fault) => void core.faults.push({ fault, remaining: fault.times ?? 1 }),
    requestsFor: (verb, resource) => core.requests.filter((r) => r.verb === verb && (resource === undefined || r.resource === resource)),
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
  return fake;
}
