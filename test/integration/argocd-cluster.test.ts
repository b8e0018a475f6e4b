// The Argo CD cluster adapter over real HTTP against the fake Kubernetes API: list, watch, recovery
// from every kind of failure, and the refresh annotations as merge patches.
import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import type { ArgoCdClusterOptions } from '../../src/adapters/kubernetes/argocd-cluster.ts';
import { ClusterError, type ApplicationEvent } from '../../src/ports/cluster.ts';
import { eventSummary as summary, startClusterHarness, type ClusterHarness as Harness } from '../helpers/fake-kube/cluster-harness.ts';
import {
  loadArgoResourceTypes, loadArgoTestdata, previewApplication,
  type ArgoTestObject, type ArgoTestdataName, type FakeKube, type ResourceType,
} from '../helpers/fake-kube.ts';

let types: ResourceType[];
let testdata: Record<ArgoTestdataName, ArgoTestObject>;
before(async () => {
  [types, testdata] = await Promise.all([loadArgoResourceTypes(), loadArgoTestdata()]);
});

const real = (): Record<string, unknown> => testdata['application-from-applicationset'].status as Record<string, unknown>;
const app = (id: string, status: Record<string, unknown> | null = real()) => previewApplication(testdata['application-from-applicationset'], { id, status });
const health = (status: string): Record<string, unknown> => ({ ...real(), health: { status } });

const open: Harness[] = [];
afterEach(() => Promise.all(open.splice(0).map((h) => h.close())));

async function harness(setup: (fake: FakeKube) => void = () => {}, overrides: Partial<ArgoCdClusterOptions> & { token?: string; clientToken?: string } = {}): Promise<Harness> {
  const h = await startClusterHarness({ types, setup, ...overrides });
  open.push(h);
  return h;
}

async function started(h: Harness): Promise<void> {
  h.cluster.start((event) => h.events.push(event));
  await h.until('the first list', () => h.cluster.synced());
  // Synced means listed; the watch that follows opens a moment later (under load, later still).
  await h.until('the watch to open', () => h.fake.openWatches() > 0);
}

describe('createArgoCdCluster: watching the preview Applications', () => {
  it('announces the listed previews (only those labelled by previewd), then each change, and is synced only after the list', async () => {
    const h = await harness((fake) => {
      fake.upsertApplication(app('shop-pr-1-acme'));
      fake.upsertApplication(app('api-pr-2-acme', health('Progressing')));
      fake.upsertApplication({ ...app('not-ours'), metadata: { name: 'not-ours', labels: { team: 'x' } } });
    });
    assert.equal(h.cluster.synced(), false);
    h.cluster.start((event) => h.events.push(event));
    assert.equal(h.cluster.synced(), false, 'not before the first list has completed');
    await h.until('synced', () => h.cluster.synced());
    assert.deepEqual(h.events.map(summary), ['upsert api-pr-2-acme Progressing', 'upsert shop-pr-1-acme Healthy']);
    assert.equal(h.fake.requestsFor('list')[0]?.query.labelSelector, 'app.kubernetes.io/managed-by=previewd');

    h.fake.setStatus('api-pr-2-acme', health('Healthy'));
    h.fake.deleteApplication('shop-pr-1-acme');
    h.fake.upsertApplication({ ...app('api-pr-2-acme'), metadata: { name: 'api-pr-2-acme', labels: { team: 'x' } } });
    await h.until('three changes', () => h.events.length === 5);
    assert.deepEqual(h.events.slice(2).map(summary), ['upsert api-pr-2-acme Healthy', 'delete shop-pr-1-acme', 'delete api-pr-2-acme']);
    assert.equal(h.cluster.get('shop-pr-1-acme'), undefined);
    const watch = h.fake.requestsFor('watch')[0];
    assert.equal(watch?.query.allowWatchBookmarks, 'true');
    assert.equal(watch?.query.resourceVersion, '3', 'watches from the list\'s resourceVersion');
  });

  it('recovers from a dropped watch and reports the change made while it was down, without relisting', async () => {
    const h = await harness((fake) => void fake.upsertApplication(app('shop-pr-1-acme', health('Progressing'))));
    await started(h);
    assert.equal(h.fake.dropWatches(), 1);
    h.fake.setStatus('shop-pr-1-acme', health('Healthy'));
    await h.until('the change after the drop', () => h.cluster.get('shop-pr-1-acme')?.status?.health?.status === 'Healthy');
    h.fake.setStatus('shop-pr-1-acme', health('Degraded'));
    await h.until('the next change', () => h.events.at(-1)?.type === 'upsert' && summary(h.events.at(-1) as ApplicationEvent).endsWith('Degraded'));
    assert.equal(h.fake.requestsFor('list').length, 1);
    assert.equal(h.fake.requestsFor('watch').length, 2);
    assert.equal(h.warnings.length, 1, 'the drop is logged once');
    assert.deepEqual(h.delays, [40]);
  });

  for (const as of ['event', 'status'] as const) {
    it(`relists on 410 Expired (${as === 'event' ? 'an ERROR event' : 'an HTTP 410'}) and converges: deleted ones reported gone, the rest announced again`, async () => {
      const h = await harness((fake) => {
        fake.upsertApplication(app('a'));
        fake.upsertApplication(app('b'));
      });
      await started(h);
      h.fake.dropWatches();
      h.fake.deleteApplication('a');
      h.fake.setStatus('b', health('Degraded'));
      h.fake.expireHistory({ as });
      await h.until('the relist', () => h.fake.requestsFor('list').length === 2 && h.events.length === 4);
      assert.deepEqual(h.events.map(summary), ['upsert a Healthy', 'upsert b Healthy', 'delete a', 'upsert b Degraded']);
      h.fake.setStatus('b', health('Healthy'));
      await h.until('the next change', () => h.events.length === 5);
      assert.equal(h.fake.requestsFor('watch').at(-1)?.query.resourceVersion, '4', 'watches again from the new list');
    });
  }

  it('retries a failing list with backoff: unsynced until it succeeds', async () => {
    const h = await harness((fake) => {
      fake.upsertApplication(app('a'));
      fake.failNext({ verb: 'list', status: 500, times: 3 });
    });
    h.cluster.start((event) => h.events.push(event));
    await h.until('two failed lists', () => h.fake.requestsFor('list').filter((r) => r.status === 500).length >= 2);
    assert.equal(h.cluster.synced(), false);
    await h.until('synced', () => h.cluster.synced());
    assert.deepEqual(h.delays, [40, 80, 160], 'exponential, capped, jittered (random() = 1 takes the bound)');
    const lists = h.fake.requestsFor('list');
    assert.equal(lists.length, 4);
    for (let i = 1; i < lists.length; i++) assert.ok((lists[i]?.at ?? 0) - (lists[i - 1]?.at ?? 0) >= (h.delays[i - 1] ?? 0) - 5, `list ${i} waited`);
    assert.match(String(h.warnings[0]?.err), /listing Argo CD Applications: fake fault: 500 \(HTTP 500\)/);
    assert.deepEqual(h.events.map(summary), ['upsert a Healthy']);
  });

  it('retries a refused watch, a reset connection and an ERROR event, each from where it was', async () => {
    const h = await harness((fake) => void fake.upsertApplication(app('a')));
    h.fake.failNext({ verb: 'watch', status: 503 });
    h.fake.failNext({ verb: 'watch', reset: true });
    h.fake.failNext({ verb: 'watch', status: 500, asEvent: true, message: 'etcdserver: request timed out' });
    await started(h);
    await h.until('a fourth watch', () => h.fake.requestsFor('watch').length === 4);
    h.fake.setStatus('a', health('Degraded'));
    await h.until('the change', () => h.events.length === 2);
    assert.equal(h.fake.requestsFor('list').length, 1);
    assert.deepEqual(h.fake.requestsFor('watch').map((r) => r.query.resourceVersion), ['1', '1', '1', '1']);
    assert.deepEqual(h.delays, [40, 80, 160]);
    assert.match(String(h.warnings[2]?.err), /the watch answered InternalError: etcdserver: request timed out/);
  });

  it('lists again when a watch from the same resourceVersion gets a server error twice, instead of asking for it forever', async () => {
    // What etcd without a watch cache answers, every time, to a watch from exactly its compacted revision.
    const prevKv = 'Internal error occurred: etcd event received with PrevKv=nil (key="/registry/argoproj.io/applications/argocd/a", modRevision=2, type=PUT)';
    const h = await harness((fake) => void fake.upsertApplication(app('a')));
    h.fake.failNext({ verb: 'watch', status: 500, asEvent: true, message: prevKv, times: 100 });
    h.cluster.start((event) => h.events.push(event));
    await h.until('a second list', () => h.fake.requestsFor('list').length === 2);
    const asked = h.fake.requests.filter((r) => r.verb === 'list' || r.verb === 'watch').slice(0, 4).map((r) => `${r.verb} ${r.query.resourceVersion ?? ''}`);
    assert.deepEqual(asked, ['list ', 'watch 1', 'watch 1', 'list '], 'one retry from there, then a list');
    assert.match(String(h.warnings[0]?.err), /PrevKv=nil/);
  });

  it('resumes at once when the server ends the watch at its timeout, from the bookmark\'s resourceVersion', async () => {
    const h = await harness((fake) => void fake.upsertApplication(app('a')), { watchTimeoutSeconds: 1 });
    await started(h);
    h.fake.upsert('applications', { ...app('elsewhere'), metadata: { name: 'elsewhere', labels: { team: 'x' } } });
    await h.until('the second watch', () => h.fake.requestsFor('watch').length === 2, 4000);
    const [first, second] = h.fake.requestsFor('watch');
    assert.equal(first?.query.timeoutSeconds, '1');
    assert.equal(second?.query.resourceVersion, '2', 'the BOOKMARK moved it past a change it was not shown');
    assert.deepEqual(h.warnings, []);
  });

  it('gives up on a silent watch after its timeout and opens another', async () => {
    const h = await harness((fake) => void fake.upsertApplication(app('a')), { watchTimeoutSeconds: 1, silenceGraceMs: 100 });
    h.fake.failNext({ verb: 'watch', silent: true });
    await started(h);
    await h.until('the second watch', () => h.fake.requestsFor('watch').length === 2, 4000);
    assert.match(String(h.warnings[0]?.err), /no answer on the watch/);
    h.fake.setStatus('a', health('Degraded'));
    await h.until('the change', () => h.events.length === 2);
  });

  it('lists page by page', async () => {
    const h = await harness((fake) => ['a', 'b', 'c', 'd', 'e'].forEach((id) => fake.upsertApplication(app(id, null))), { pageSize: 2 });
    await started(h);
    assert.deepEqual(h.events.map(summary), ['upsert a -', 'upsert b -', 'upsert c -', 'upsert d -', 'upsert e -']);
    assert.deepEqual(h.fake.requestsFor('list').map((r) => [r.query.limit, Boolean(r.query.continue)]), [['2', false], ['2', true], ['2', true]]);
  });

  it('announces everything again to a listener started after a stop', async () => {
    const h = await harness((fake) => void fake.upsertApplication(app('a')));
    await started(h);
    await h.cluster.stop();
    h.fake.upsertApplication(app('b'));
    const again: ApplicationEvent[] = [];
    h.cluster.start((event) => again.push(event));
    await h.until('the relist', () => again.length === 2);
    assert.deepEqual(again.map(summary), ['upsert a Healthy', 'upsert b Healthy']);
  });

  it('keeps watching when the listener throws', async () => {
    const h = await harness((fake) => void fake.upsertApplication(app('a')));
    h.cluster.start((event) => {
      h.events.push(event);
      throw new Error('listener bug');
    });
    await h.until('synced', () => h.cluster.synced());
    h.fake.setStatus('a', health('Degraded'));
    await h.until('the change', () => h.events.length === 2);
  });

  it('sends the bearer token; a wrong one is a 401 that says what to check, and it keeps retrying', async () => {
    const good = await harness((fake) => void fake.upsertApplication(app('a')), { token: 's3cret' });
    await started(good);
    const bad = await harness(() => {}, { token: 's3cret', clientToken: 'wrong' });
    bad.cluster.start(() => {});
    await bad.until('two refused lists', () => bad.fake.requestsFor('list').length >= 2);
    assert.equal(bad.cluster.synced(), false);
    assert.match(String(bad.warnings[0]?.err), /Unauthorized \(HTTP 401\)\. Check the kubeconfig's credentials/);
    assert.equal(bad.warnings[0]?.status, 401);
  });
});

describe('createArgoCdCluster: refresh', () => {
  it('merge-patches exactly the refresh annotations onto the ApplicationSet and the Application', async () => {
    const h = await harness((fake) => {
      fake.upsertApplication(app('shop-pr-1-acme'));
      fake.upsertApplicationSet({ metadata: { name: 'previews' }, spec: { generators: [], template: { metadata: {}, spec: { project: 'previews', destination: {} } } } });
    });
    await started(h);
    await h.cluster.refreshApplicationSet();
    assert.equal(await h.cluster.refreshApplication('shop-pr-1-acme'), true);
    assert.deepEqual(h.fake.patches.map(({ resource, namespace, name, contentType, body, status }) => ({ resource, namespace, name, contentType, body, status })), [
      { resource: 'applicationsets', namespace: 'argocd', name: 'previews', contentType: 'application/merge-patch+json', body: { metadata: { annotations: { 'argocd.argoproj.io/application-set-refresh': 'true' } } }, status: 200 },
      { resource: 'applications', namespace: 'argocd', name: 'shop-pr-1-acme', contentType: 'application/merge-patch+json', body: { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } }, status: 200 },
    ]);
    await h.until('the annotated Application through the watch', () => h.cluster.get('shop-pr-1-acme')?.metadata.annotations?.['argocd.argoproj.io/refresh'] === 'normal');
    assert.equal(h.cluster.get('shop-pr-1-acme')?.metadata.annotations?.['argocd.argoproj.io/manifest-generate-paths'], '.;/chart', 'the other annotations stay');
  });

  it('answers false for a missing Application, and throws ClusterErrors that say whether a retry can help', async () => {
    const h = await harness();
    assert.equal(await h.cluster.refreshApplication('gone'), false);
    await assert.rejects(h.cluster.refreshApplicationSet(), (error: unknown) => {
      assert.ok(error instanceof ClusterError);
      assert.equal(error.transient, false);
      assert.equal(error.status, 404);
      assert.match(error.message, /refreshing ApplicationSet argocd\/previews: applicationsets\.argoproj\.io "previews" not found \(HTTP 404\)\. Check ARGOCD_NAMESPACE/);
      return true;
    });
    h.fake.failNext({ verb: 'patch', status: 503 });
    await assert.rejects(h.cluster.refreshApplication('gone'), (error: unknown) => error instanceof ClusterError && error.transient && error.status === 503);
    h.fake.failNext({ verb: 'patch', reset: true });
    await assert.rejects(h.cluster.refreshApplication('gone'), (error: unknown) => error instanceof ClusterError && error.transient && error.status === undefined);
  });
});

describe('createArgoCdCluster: stop', () => {
  it('ends the watch and every timer, also while waiting to retry', async () => {
    const watching = await harness((fake) => void fake.upsertApplication(app('a')));
    await started(watching);
    const retrying = await harness((fake) => fake.failNext({ verb: 'list', status: 500, times: 100 }), { backoff: { baseMs: 5000, maxMs: 5000 } });
    retrying.cluster.start(() => {});
    await retrying.until('a failed list', () => retrying.fake.requestsFor('list').length === 1 && retrying.warnings.length === 1);
    await Promise.all([watching.cluster.stop(), retrying.cluster.stop()]);
    await watching.until('the watch closed', () => watching.fake.openWatches() === 0);
    const requests = watching.fake.requests.length + retrying.fake.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(watching.fake.requests.length + retrying.fake.requests.length, requests, 'nothing after stop');
    assert.deepEqual(process.getActiveResourcesInfo().filter((r) => r === 'Timeout'), [], 'no timer left behind');
  });
});
