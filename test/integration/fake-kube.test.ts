// The fake Kubernetes API server proven against the real kubectl: what kubectl prints from it is what
// it would print from a cluster running Argo CD. Objects start from Argo CD's own (test/fixtures/argo-cd).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crdProblems, loadCrds, type CrdVersion } from '../helpers/argo-crds.ts';
import {
  createFakeKube, loadArgoResourceTypes, loadArgoTestdata, previewApplication, runKubectl, watchKubectl,
  type ArgoTestObject, type ArgoTestdataName, type FakeKube, type ResourceType,
} from '../helpers/fake-kube.ts';
import type { K8sObject } from '../helpers/kustomize-build.ts';

type WatchLine = { type: string; object: { metadata: { name: string; resourceVersion: string }; status?: { health?: { status?: string } } } };

let crds: Map<string, CrdVersion>;
let types: ResourceType[];
let testdata: Record<ArgoTestdataName, ArgoTestObject>;
let dir: string;

before(async () => {
  [crds, types, testdata] = await Promise.all([loadCrds(), loadArgoResourceTypes(), loadArgoTestdata()]);
  dir = await mkdtemp(path.join(tmpdir(), 'fake-kube-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function withFake(run: (fake: FakeKube, kubeconfig: string) => Promise<void>): Promise<void> {
  const fake = await createFakeKube({ crds, types });
  const home = await mkdtemp(path.join(dir, 'home-'));
  try {
    await run(fake, await fake.writeKubeconfig(home));
  } finally {
    await fake.close();
  }
}

const healthy = (): Record<string, unknown> => testdata['application-from-applicationset'].status as Record<string, unknown>;
const app = (id: string, status: Record<string, unknown> | null = healthy()) => previewApplication(testdata['application-from-applicationset'], { id, status });

describe('Argo CD test objects', () => {
  it('are valid Applications by the real CRD, as the fixtures built from them are', () => {
    assert.deepEqual(crdProblems(crds, testdata['application-from-applicationset'] as K8sObject), []);
    assert.deepEqual(crdProblems(crds, app('shop-pr-1-acme') as unknown as K8sObject), []);
    // The two small files are only a status: valid as the status of a real Application.
    for (const name of ['application-healthy', 'application-degraded'] as const) {
      const status = testdata[name].status ?? {};
      assert.deepEqual(crdProblems(crds, app('shop-pr-1-acme', status) as unknown as K8sObject), [], name);
      assert.deepEqual(crdProblems(crds, app('shop-pr-1-acme', { ...healthy(), ...status }) as unknown as K8sObject), [], name);
    }
  });
});

describe('kubectl against the fake', () => {
  it('discovers Argo CD\'s resources with their short names', () => withFake(async (_fake, kubeconfig) => {
    const result = await runKubectl(kubeconfig, ['api-resources', '--api-group=argoproj.io', '--no-headers']);
    assert.equal(result.code, 0, result.stderr);
    const rows = result.stdout.trim().split('\n').map((line) => line.split(/\s+/));
    assert.deepEqual(rows, [
      ['applications', 'app,apps', 'argoproj.io/v1alpha1', 'true', 'Application'],
      ['applicationsets', 'appset,appsets', 'argoproj.io/v1alpha1', 'true', 'ApplicationSet'],
      ['appprojects', 'appproj,appprojs', 'argoproj.io/v1alpha1', 'true', 'AppProject'],
    ]);
  }));

  it('reads add, status change and delete back from `kubectl get -w -o json` as watch events', () => withFake(async (fake, kubeconfig) => {
    fake.upsertApplication(app('shop-pr-1-acme'));
    const kubectl = watchKubectl(kubeconfig, ['get', 'applications.argoproj.io', '-n', 'argocd', '-w', '-o', 'json', '--output-watch-events']);
    try {
      await kubectl.waitForLines(1);
      fake.setStatus('shop-pr-1-acme', { ...healthy(), health: { status: 'Degraded', message: 'Back-off restarting failed container' } });
      fake.upsertApplication(app('api-pr-7-acme', null));
      fake.deleteApplication('shop-pr-1-acme');
      const events = (await kubectl.waitForLines(4)).map((line) => JSON.parse(line) as WatchLine);
      assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name, e.object.status?.health?.status]), [
        ['ADDED', 'shop-pr-1-acme', 'Healthy'],
        ['MODIFIED', 'shop-pr-1-acme', 'Degraded'],
        ['ADDED', 'api-pr-7-acme', undefined],
        ['DELETED', 'shop-pr-1-acme', 'Degraded'],
      ]);
      const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'resourceVersions only grow');
      const watches = fake.requestsFor('watch', 'applications');
      assert.equal(watches.length, 1);
      assert.equal(watches[0]?.query.resourceVersion, '1', 'kubectl watches from the list\'s resourceVersion');
    } finally {
      await kubectl.stop();
    }
  }));

  it('prints the CRD\'s columns from the server\'s Table, in the list and in the watch', () => withFake(async (fake, kubeconfig) => {
    fake.upsertApplication(app('shop-pr-1-acme'));
    const kubectl = watchKubectl(kubeconfig, ['get', 'applications.argoproj.io', '-n', 'argocd', '-w']);
    try {
      await kubectl.waitForLines(2);
      fake.setStatus('shop-pr-1-acme', { ...healthy(), health: { status: 'Degraded' }, sync: { status: 'OutOfSync' } });
      const lines = (await kubectl.waitForLines(3)).map((line) => line.trim().split(/\s{2,}/));
      assert.deepEqual(lines, [['NAME', 'SYNC STATUS', 'HEALTH STATUS'], ['shop-pr-1-acme', 'Synced', 'Healthy'], ['shop-pr-1-acme', 'OutOfSync', 'Degraded']]);
      assert.match(fake.requestsFor('list', 'applications')[0]?.accept ?? '', /as=Table;v=v1;g=meta\.k8s\.io/);
    } finally {
      await kubectl.stop();
    }
  }));

  it('selects by label, shows priority columns with -o wide, and gets one object', () => withFake(async (fake, kubeconfig) => {
    fake.upsertApplication(app('shop-pr-1-acme'));
    fake.upsertApplication({ ...app('other'), metadata: { name: 'other', labels: { team: 'x' } } });
    const selected = await runKubectl(kubeconfig, ['get', 'apps', '-l', 'app.kubernetes.io/managed-by=previewd', '-o', 'name']);
    assert.equal(selected.stdout, 'application.argoproj.io/shop-pr-1-acme\n', selected.stderr);
    const wide = await runKubectl(kubeconfig, ['get', 'app', 'shop-pr-1-acme', '-o', 'wide', '--no-headers']);
    assert.deepEqual(wide.stdout.trim().split(/\s+/), ['shop-pr-1-acme', 'Synced', 'Healthy', 'rev1', 'sre'], wide.stderr);
    const missing = await runKubectl(kubeconfig, ['get', 'app', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /applications\.argoproj\.io "nope" not found/);
  }));

  it('merge-patches the refresh annotations, and refuses a strategic merge patch as for any custom resource', () => withFake(async (fake, kubeconfig) => {
    fake.upsertApplication(app('shop-pr-1-acme'));
    fake.upsertApplicationSet({ metadata: { name: 'previews' }, spec: { generators: [], template: { metadata: {}, spec: { project: 'previews', destination: {} } } } });
    const refresh = await runKubectl(kubeconfig, ['patch', 'app', 'shop-pr-1-acme', '--type', 'merge', '-p', '{"metadata":{"annotations":{"argocd.argoproj.io/refresh":"normal"}}}']);
    assert.equal(refresh.code, 0, refresh.stderr);
    const appSet = await runKubectl(kubeconfig, ['patch', 'applicationsets.argoproj.io', 'previews', '--type', 'merge', '-p', '{"metadata":{"annotations":{"argocd.argoproj.io/application-set-refresh":"true"}}}']);
    assert.equal(appSet.code, 0, appSet.stderr);
    const strategic = await runKubectl(kubeconfig, ['patch', 'app', 'shop-pr-1-acme', '-p', '{"metadata":{"labels":{"x":"y"}}}']);
    assert.notEqual(strategic.code, 0);
    assert.match(strategic.stderr, /strategic merge patch|unknown format|UnsupportedMediaType/i);
    const read = await runKubectl(kubeconfig, ['get', 'app', 'shop-pr-1-acme', '-o', 'jsonpath={.metadata.annotations.argocd\\.argoproj\\.io/refresh}']);
    assert.equal(read.stdout, 'normal', read.stderr);
    assert.deepEqual(fake.patches.map((p) => [p.resource, p.name, p.contentType, p.status]), [
      ['applications', 'shop-pr-1-acme', 'application/merge-patch+json', 200],
      ['applicationsets', 'previews', 'application/merge-patch+json', 200],
      ...fake.patches.slice(2).map((p) => ['applications', 'shop-pr-1-acme', p.contentType, 415]),
    ]);
    assert.equal(fake.get('applicationsets', 'previews')?.metadata.annotations?.['argocd.argoproj.io/application-set-refresh'], 'true');
  }));
});

describe('the wire protocol, read raw', () => {
  const base = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';

  async function firstLines(fake: FakeKube, query: string, count: number): Promise<{ status: number; lines: WatchLine[] }> {
    const controller = new AbortController();
    const response = await fetch(`${fake.url}${base}?${query}`, { signal: controller.signal });
    if (response.status !== 200 || !response.body || count === 0) {
      controller.abort();
      return { status: response.status, lines: [] };
    }
    const lines: WatchLine[] = [];
    let text = '';
    const timer = setTimeout(() => controller.abort(), 5000);
    try {
      for await (const chunk of response.body) {
        text += Buffer.from(chunk).toString('utf8');
        const parts = text.split('\n');
        text = parts.pop() ?? '';
        lines.push(...parts.map((p) => JSON.parse(p) as WatchLine));
        if (lines.length >= count) break;
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    return { status: response.status, lines };
  }

  it('answers a watch from a compacted resourceVersion with 410 Expired: an ERROR event, or a plain 410', () => withFake(async (fake) => {
    fake.upsertApplication(app('a'));
    fake.setStatus('a', { sync: { status: 'OutOfSync' } });
    fake.expireHistory();
    const { status, lines } = await firstLines(fake, 'watch=true&resourceVersion=1', 1);
    assert.equal(status, 200);
    assert.equal(lines[0]?.type, 'ERROR');
    assert.deepEqual(lines[0]?.object, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (3)', reason: 'Expired', code: 410 });
    fake.expireHistory({ as: 'status' });
    assert.equal((await fetch(`${fake.url}${base}?watch=1&resourceVersion=1`)).status, 410);
    const current = await firstLines(fake, 'watch=true&resourceVersion=2', 0);
    assert.equal(current.status, 200, 'the newest resourceVersion is still watchable');
  }));

  it('replays changes after a resourceVersion, and turns a label change into DELETED for a selected watch', () => withFake(async (fake) => {
    fake.upsertApplication(app('a'));
    fake.upsertApplication(app('b'));
    fake.upsertApplication({ ...app('a'), metadata: { name: 'a', labels: { 'app.kubernetes.io/managed-by': 'someone-else' } } });
    const { lines } = await firstLines(fake, `watch=true&resourceVersion=1&labelSelector=${encodeURIComponent('app.kubernetes.io/managed-by=previewd')}`, 2);
    assert.deepEqual(lines.map((l) => [l.type, l.object.metadata.name, l.object.metadata.resourceVersion]), [['ADDED', 'b', '2'], ['DELETED', 'a', '3']]);
  }));

  it('pages a list with limit and continue, at one resourceVersion', () => withFake(async (fake) => {
    for (const id of ['c', 'a', 'b']) fake.upsertApplication(app(id, null));
    const first = await (await fetch(`${fake.url}${base}?limit=2`)).json() as { kind: string; metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: WatchLine['object'][] };
    assert.equal(first.kind, 'ApplicationList');
    assert.deepEqual(first.items.map((i) => i.metadata.name), ['a', 'b']);
    assert.equal(first.metadata.remainingItemCount, 1);
    // Made, changed and removed after the first page: the rest of the list is as it was at its resourceVersion.
    fake.upsertApplication(app('d', null));
    fake.setStatus('c', { health: { status: 'Degraded' } });
    const second = await (await fetch(`${fake.url}${base}?limit=2&continue=${encodeURIComponent(first.metadata.continue ?? '')}`)).json() as typeof first;
    assert.deepEqual(second.items.map((i) => [i.metadata.name, i.status?.health?.status]), [['c', undefined]]);
    fake.deleteApplication('c');
    const again = await (await fetch(`${fake.url}${base}?limit=2&continue=${encodeURIComponent(first.metadata.continue ?? '')}`)).json() as typeof first;
    assert.deepEqual(again.items.map((i) => i.metadata.name), ['c']);
    assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
    assert.equal(second.metadata.continue, '', 'the last page: an empty token, as kube-apiserver sends it (fake-kube-conformance)');
  }));

  it('refuses an Application the CRD refuses (422), and a stale resourceVersion (409)', () => withFake(async (fake) => {
    const current = fake.upsertApplication(app('a', null));
    const patch = (body: unknown) => fetch(`${fake.url}${base}/a`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify(body) });
    const invalid = await patch({ spec: { source: { repoURL: 42 } } });
    assert.equal(invalid.status, 422);
    assert.equal(((await invalid.json()) as { reason: string }).reason, 'Invalid');
    await patch({ metadata: { annotations: { x: 'y' } } });
    const stale = await patch({ metadata: { resourceVersion: current.metadata.resourceVersion, annotations: { x: 'z' } } });
    assert.equal(stale.status, 409);
    assert.throws(() => fake.upsertApplication({ metadata: { name: 'bad' }, spec: { project: 7 } }), /would refuse/);
  }));
});
