// The fake Kubernetes API (test/helpers/fake-kube*) stays for the faults a real server cannot be made to
// produce on cue; these are the answers the fake-backed tests rely on, sent as the same requests to the
// fake and to a real kube-apiserver v1.20.2 and compared structurally: list with a label selector and
// paging, watch events, 410 Expired from a compacted resourceVersion, merge and JSON patch answers,
// 404 and 403 Status bodies. Values that differ between any two servers (resourceVersion, uid, times)
// are compared by type; what the fake does not keep (managedFields) is said below and dropped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createFakeKube, type FakeKube } from '../helpers/fake-kube.ts';
import { startRealKube, type KubeAnswer, type RealKube } from '../helpers/real-kube.ts';

const started = await startRealKube({ watchCache: false });
const skip = started.ok ? false : started.skip;
const kube = started.ok ? started.kube : (undefined as unknown as RealKube);
const APPS = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';
const SELECTOR = encodeURIComponent('app.kubernetes.io/managed-by=previewd');

// Only the real server keeps managedFields; no fake-backed test reads them (the field manager is tested on the real one).
const VOLATILE = new Set(['resourceVersion', 'uid', 'creationTimestamp', 'continue', 'startedAt']);
function normalize(value: unknown, key = ''): unknown {
  if (VOLATILE.has(key) && value !== undefined && value !== '') return `<${typeof value}>`;
  if (Array.isArray(value)) return value.map((v) => normalize(v));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'managedFields').map(([k, v]) => [k, normalize(v, k)]));
}

function application(name: string, labelled: boolean): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
    metadata: { name, namespace: 'argocd', ...(labelled ? { labels: { 'app.kubernetes.io/managed-by': 'previewd', 'previewd.io/id': name } } : {}) },
    spec: { project: 'previews', source: { repoURL: 'https://git.example.com/platform/gitops.git', targetRevision: 'main', path: `previews/demo/app/${name}` }, destination: { server: 'https://kubernetes.default.svc', namespace: `pv-${name}` } },
  };
}

describe('the fake Kubernetes API answers as kube-apiserver v1.20.2 does', { skip, timeout: 120_000 }, () => {
  let fake: FakeKube;
  const fakeCall = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeAnswer> => {
    const answer = await fetch(`${fake.url}${path}`, { method, headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': contentType }) }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const text = await answer.text();
    try {
      return { status: answer.status, body: JSON.parse(text) };
    } catch {
      return { status: answer.status, body: text };
    }
  };
  const both = async (method: string, path: string, body?: unknown, contentType?: string): Promise<{ real: KubeAnswer; fake: KubeAnswer }> => ({
    real: await kube.request(method, path, body, contentType),
    fake: await fakeCall(method, path, body, contentType),
  });
  const same = (answers: { real: KubeAnswer; fake: KubeAnswer }, what: string): void => {
    assert.equal(answers.fake.status, answers.real.status, `${what}: HTTP status`);
    assert.deepEqual(normalize(answers.fake.body), normalize(answers.real.body), `${what}: body`);
  };

  before(async () => {
    fake = await createFakeKube();
    for (const [name, labelled] of [['pr-1', true], ['pr-2', true], ['pr-3', true], ['other', false]] as const) {
      same(await both('POST', APPS, application(name, labelled)), `create ${name}`);
    }
  });
  after(async () => {
    await fake?.close();
    await kube.close();
  });

  test('list with a label selector, two a page: the same pages, items and metadata', async () => {
    const first = await both('GET', `${APPS}?labelSelector=${SELECTOR}&limit=2`);
    same(first, 'first page');
    const token = (answer: KubeAnswer): string => (answer.body as { metadata: { continue?: string } }).metadata.continue ?? '';
    assert.ok(token(first.real) && token(first.fake), 'both say there is more');
    // Made between the pages: a continued list reads at the first page's resourceVersion.
    same(await both('POST', APPS, application('pr-4', true)), 'create pr-4');
    same(await both('PATCH', `${APPS}/pr-3`, { metadata: { annotations: { between: 'pages' } } }, 'application/merge-patch+json'), 'change pr-3');
    const real = await kube.request('GET', `${APPS}?labelSelector=${SELECTOR}&limit=2&continue=${encodeURIComponent(token(first.real))}`);
    const fakeNext = await fakeCall('GET', `${APPS}?labelSelector=${SELECTOR}&limit=2&continue=${encodeURIComponent(token(first.fake))}`);
    same({ real, fake: fakeNext }, 'second page');
    assert.deepEqual((real.body as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name), ['pr-3'], 'pr-4, made after the first page, not in it');
    assert.equal((real.body as { items: Array<{ metadata: { annotations?: object } }> }).items[0]?.metadata.annotations, undefined, 'pr-3 as it was at the first page');
    same(await both('GET', `${APPS}?labelSelector=${SELECTOR}&limit=5`), 'one page that holds all');
    same(await both('GET', `${APPS}?labelSelector=${SELECTOR}`), 'no limit');
    same(await both('GET', `${APPS}?limit=2`), 'no selector: the count of what is left');
  });

  test('merge patch and JSON patch: the whole object back, annotations and status as written', async () => {
    same(await both('PATCH', `${APPS}/pr-1`, { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } }, 'application/merge-patch+json'), 'merge patch');
    same(await both('PATCH', `${APPS}/pr-1`, [{ op: 'add', path: '/status', value: { health: { status: 'Healthy' }, sync: { status: 'Synced', revision: 'a'.repeat(40) } } }], 'application/json-patch+json'), 'JSON patch');
    same(await both('PATCH', `${APPS}/pr-1`, { metadata: { annotations: { 'argocd.argoproj.io/refresh': null } } }, 'application/merge-patch+json'), 'merge patch removing');
  });

  test('404: the Status body of a missing object, for a get and for a patch', async () => {
    same(await both('GET', `${APPS}/nope`), 'get missing');
    same(await both('PATCH', `${APPS}/nope`, { metadata: { annotations: { a: 'b' } } }, 'application/merge-patch+json'), 'patch missing');
  });

  test('watch: the events a change and a delete make, in order and shape', async () => {
    const listed = await both('GET', `${APPS}?labelSelector=${SELECTOR}`);
    const rv = (answer: KubeAnswer): string => (answer.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watch = `${APPS}?watch=1&labelSelector=${SELECTOR}&timeoutSeconds=3`;
    const realWatch = kube.request('GET', `${watch}&resourceVersion=${rv(listed.real)}`);
    const fakeWatch = fakeCall('GET', `${watch}&resourceVersion=${rv(listed.fake)}`);
    await new Promise((r) => setTimeout(r, 500));
    await both('PATCH', `${APPS}/pr-2`, { metadata: { annotations: { seen: 'yes' } } }, 'application/merge-patch+json');
    await both('DELETE', `${APPS}/pr-3`);
    await both('PATCH', `${APPS}/other`, { metadata: { annotations: { seen: 'yes' } } }, 'application/merge-patch+json');
    const lines = (answer: KubeAnswer): unknown[] => String(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)).split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    const [real, fakeAnswer] = [await realWatch, await fakeWatch];
    assert.equal(fakeAnswer.status, real.status);
    const realEvents = lines(real);
    assert.deepEqual(realEvents.map((e) => (e as { type: string }).type), ['MODIFIED', 'DELETED'], 'the real server, as expected: the unlabelled one not sent');
    assert.deepEqual(normalize(lines(fakeAnswer)), normalize(realEvents));
  });

  test('410 Expired: a watch from a compacted resourceVersion', async () => {
    const listed = await both('GET', APPS);
    const rv = (answer: KubeAnswer): string => (answer.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const old = { real: rv(listed.real), fake: rv(listed.fake) };
    // Two changes: the watch must start before the compacted revision. (From exactly the compacted
    // revision, v1.20 without a watch cache answers 500 "etcd event received with PrevKv=nil" instead.)
    await both('PATCH', `${APPS}/pr-1`, { metadata: { annotations: { later: '1' } } }, 'application/merge-patch+json');
    await both('PATCH', `${APPS}/pr-1`, { metadata: { annotations: { later: '2' } } }, 'application/merge-patch+json');
    await kube.compact();
    fake.expireHistory();
    const real = await kube.request('GET', `${APPS}?watch=1&resourceVersion=${old.real}&timeoutSeconds=3`);
    const fakeAnswer = await fakeCall('GET', `${APPS}?watch=1&resourceVersion=${old.fake}&timeoutSeconds=3`);
    assert.equal(fakeAnswer.status, real.status, 'HTTP status');
    const event = (answer: KubeAnswer) => (typeof answer.body === 'string' ? JSON.parse(answer.body.split('\n')[0] ?? '{}') : answer.body) as { type: string; object: { message: string } };
    // The words differ by where the server looked: its watch cache says "too old resource version: N (M)"
    // (what the fake says, and what a cluster with the default watch cache answers), etcd itself "The
    // resourceVersion for the provided watch is too old." previewd reads only the code.
    assert.match(event(fakeAnswer).object.message, /^too old resource version: \d+ \(\d+\)$/);
    assert.equal(event(real).object.message, 'The resourceVersion for the provided watch is too old.');
    const withoutWords = (e: ReturnType<typeof event>) => ({ ...e, object: { ...e.object, message: '' } });
    assert.deepEqual(withoutWords(event(fakeAnswer)), withoutWords(event(real)));
  });

  test('403: the Status body RBAC answers a patch previewd may not make', async () => {
    const path = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applicationsets/other';
    const real = await kube.request('PATCH', path, { metadata: { annotations: { a: 'b' } } }, 'application/merge-patch+json', 'previewd');
    const message = (real.body as { message: string }).message;
    fake.failNext({ verb: 'patch', resource: 'applicationsets', status: 403, message });
    const fakeAnswer = await fakeCall('PATCH', path, { metadata: { annotations: { a: 'b' } } }, 'application/merge-patch+json');
    assert.equal(fakeAnswer.status, 403);
    assert.deepEqual(normalize(fakeAnswer.body), normalize(real.body));
  });
});
