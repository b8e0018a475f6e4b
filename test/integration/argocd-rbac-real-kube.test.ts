// What previewd does with its Kubernetes permissions, read from a real kube-apiserver's audit log of its
// ServiceAccount: with argocd/rbac.yaml (refresh annotations) every grant is used and nothing else is
// asked; with argocd/rbac-readonly.yaml and ARGOCD_WEBHOOK_URL (Argo CD told by a signed push event to
// a receiver that checks it as Argo CD's handler does) the watch still works and previewd makes no
// write at all.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FIELD_MANAGER } from '../../src/adapters/kubernetes/argocd-cluster.ts';
import { startArgoCdWebhookReceiver, type ArgoCdWebhookReceiver, type WatchedApp } from '../helpers/argocd-webhook-receiver.ts';
import { startRealKube, type AuditedRequest, type RealKube } from '../helpers/real-kube.ts';
import { startRealFeedbackFixture, type RealFeedbackFixture } from '../helpers/real-kube/real-feedback-fixture.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const started = await startRealKube({ audit: true });
const skip = started.ok ? false : started.skip;
const kube = started.ok ? started.kube : (undefined as unknown as RealKube);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const sha = (n: number): string => n.toString(16).padStart(40, 'd');
const pr = { owner: 'demo', repo: 'app', pr: 1 };
const ARGO_SECRET = 'argocd-webhook-github-secret';

// The test's own kubectl calls run as previewd too (to wait for RBAC): previewd's are the others.
const ofPreviewd = async (): Promise<AuditedRequest[]> => (await kube.audited()).filter((r) => !r.userAgent.startsWith('kubectl'));
const kinds = (requests: AuditedRequest[]): string[] => [...new Set(requests.map((r) => `${r.verb} ${r.resource}${r.resource === 'applicationsets' ? `/${r.name}` : ''}`))].sort();
const heading = (f: RealFeedbackFixture): string => f.github.repo('demo/app').comments(1)[0]?.body.split('\n')[1] ?? '';

async function lifecycle(f: RealFeedbackFixture, onOpened: () => Promise<void>, onPushed: (id: string) => Promise<void>, onGenerated: () => Promise<void> = async () => undefined): Promise<void> {
  await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(1) }));
  await f.until('the commit on the remote', async () => (await f.remote.remoteFile('previews/demo/app/pr-1/preview.json'))?.includes(sha(1)));
  await onOpened();
  const [id] = await f.argo.generate();
  assert.ok(id, 'the generator made an Application');
  // Argo CD knows its Applications when a push arrives (its informer cache): so must a fake of it.
  await onGenerated();
  await f.argo.healthy(id, await f.argo.head(), 'https://app-1.preview.example.com');
  await f.until('a comment saying ready (the watch saw the Application)', () => /Preview ready/.test(heading(f)));
  await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(2), action: 'synchronize' }));
  await f.until('the new commit on the remote', async () => (await f.remote.remoteFile('previews/demo/app/pr-1/preview.json'))?.includes(sha(2)));
  await onPushed(id);
  await f.argo.healthy(id, await f.argo.head(), 'https://app-1.preview.example.com');
  await f.until('ready at the new commit', () => f.github.repo('demo/app').commitStatuses(sha(2)).at(-1)?.state === 'success');
  await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(2), action: 'closed' }));
  await f.until('the folder removed', async () => (await f.remote.remoteFile('previews/demo/app/pr-1/preview.json')) === null);
  await f.argo.generate();
}

describe('previewd\'s Kubernetes permissions, from the real API server\'s audit log', { skip, timeout: 240_000 }, () => {
  after(async () => {
    await kube.close();
  });

  test('argocd/rbac.yaml, refresh annotations: exactly its grants are used — list and watch Applications, patch them and the ApplicationSet previews — and none is refused', async () => {
    const f = await startRealFeedbackFixture(kube);
    try {
      await lifecycle(f, async () => {
        await f.until('the ApplicationSet refresh annotation', () => f.argo.takeAppSetRefresh());
      }, async (id) => {
        await f.until('the refresh annotation on the Application', async () => (await f.argo.appRefresh(id)).value === 'normal');
      });
    } finally {
      await f.close();
    }
    const requests = await ofPreviewd();
    assert.ok(requests.every((r) => r.userAgent === requests[0]?.userAgent), JSON.stringify([...new Set(requests.map((r) => r.userAgent))]));
    assert.deepEqual(requests.filter((r) => r.code >= 400), [], 'no request refused');
    assert.deepEqual(kinds(requests), ['list applications', 'patch applications', 'patch applicationsets/previews', 'watch applications']);
  });

  describe('argocd/rbac-readonly.yaml and ARGOCD_WEBHOOK_URL', () => {
    let argo: ArgoCdWebhookReceiver;
    let repoURL = '';
    let auditedBefore = 0;
    before(async () => {
      const applied = await kube.kubectl(['apply', '--server-side', '-f', path.join(repoRoot, 'argocd', 'rbac-readonly.yaml')]);
      assert.equal(applied.code, 0, applied.stderr);
      // RBAC takes effect once the server's caches have the new Role.
      const deadline = Date.now() + 30_000;
      while ((await kube.kubectl(['auth', 'can-i', 'patch', 'applications.argoproj.io', '-n', 'argocd'], { user: 'previewd' })).stdout.trim() !== 'no') {
        assert.ok(Date.now() < deadline, 'previewd may still patch Applications 30 s after rbac-readonly.yaml');
        await new Promise((r) => setTimeout(r, 200));
      }
      argo = await startArgoCdWebhookReceiver({ secret: ARGO_SECRET, apps: () => apps, generator: { get repoURL() { return repoURL; }, revision: 'main' } });
      auditedBefore = (await ofPreviewd()).length;
      // The destroy above left its refresh annotation (no controller takes it off here).
      const cleared = await kube.request('PATCH', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applicationsets/previews', { metadata: { annotations: { 'argocd.argoproj.io/application-set-refresh': null } } }, 'application/merge-patch+json');
      assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    });
    after(async () => {
      await argo?.close();
    });
    let apps: WatchedApp[] = [];
    async function readApps(): Promise<void> {
      const answer = await kube.request('GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications');
      type App = { metadata: { name: string; annotations?: Record<string, string> }; spec: { source: { repoURL: string; targetRevision: string; path: string } } };
      apps = ((answer.body as { items: App[] }).items).map((a) => ({
        name: a.metadata.name, ...a.spec.source, ...(a.metadata.annotations?.['argocd.argoproj.io/manifest-generate-paths'] ? { manifestGeneratePaths: a.metadata.annotations['argocd.argoproj.io/manifest-generate-paths'] } : {}),
      }));
    }

    test('only list and watch: the watch reports health, Argo CD is told by signed push events, and previewd writes nothing', async () => {
      const f = await startRealFeedbackFixture(kube, { env: () => ({ ARGOCD_WEBHOOK_URL: argo.url, ARGOCD_WEBHOOK_SECRET: ARGO_SECRET }) });
      repoURL = f.remote.url;
      try {
        await lifecycle(f, async () => {
          const push = await f.until('a push event for the create', () => argo.received.find((p) => p.status === 200));
          assert.equal(push.refreshesGenerator, true, 'the ApplicationSet controller would regenerate the Applications');
          assert.equal(JSON.parse(push.body).ref, 'refs/heads/main');
          assert.equal(await f.argo.takeAppSetRefresh(), false, 'no annotation on the ApplicationSet');
        }, async (id) => {
          const push = await f.until('a push event that refreshes the Application', () => argo.received.find((p) => p.refreshedApps.includes(id)));
          assert.equal(push.status, 200, push.reason);
          const seen = await f.argo.appRefresh(id);
          assert.equal(seen.value, undefined, 'no refresh annotation');
          assert.ok(!seen.managers.includes(FIELD_MANAGER), JSON.stringify(seen.managers));
        }, readApps);
      } finally {
        await f.close();
      }
      assert.deepEqual(argo.received.filter((p) => p.status !== 200).map((p) => p.reason), [], 'every push event accepted');
      assert.ok(argo.received.length >= 3, `a push event per publish (create, update, destroy): ${argo.received.length}`);
      assert.deepEqual(f.warnings.filter((l) => l.includes('refresh')), [], 'no failed refresh logged');
      const requests = (await ofPreviewd()).slice(auditedBefore);
      assert.ok(requests.length > 0, 'the audit log has previewd\'s requests');
      assert.deepEqual(requests.filter((r) => r.code >= 400), [], 'no request refused');
      assert.deepEqual(kinds(requests), ['list applications', 'watch applications']);
    });
  });
});
