// The webhook refresher against a receiver that does what Argo CD's /api/webhook does with a GitHub
// push: checks X-Hub-Signature-256 over the exact body, decodes the body into GitHub's push payload
// types, and works out which Applications (repoURL, targetRevision, manifest-generate-paths) and which
// git generator it refreshes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createWebhookRefresher, type WebhookRefresherOptions } from '../../src/adapters/argocd/webhook-refresher.ts';
import { RefreshError } from '../../src/ports/refresher.ts';
import { startArgoCdWebhookReceiver, type ArgoCdWebhookReceiver, type WatchedApp } from '../helpers/argocd-webhook-receiver.ts';

const SECRET = 'argocd-webhook-github-secret';
const REPO = 'https://git.example.com/platform/gitops.git';
const PATHS = '.;/apps;/components';
const app = (name: string, folder: string, extra: Partial<WatchedApp> = {}): WatchedApp => ({ name, repoURL: REPO, targetRevision: 'main', path: folder, manifestGeneratePaths: PATHS, ...extra });
const APPS: WatchedApp[] = [
  app('pv-acme-shop-7', 'previews/acme/shop/pr-7'),
  app('pv-acme-shop-8', 'previews/acme/shop/pr-8'),
  app('pv-acme-shop-70', 'previews/acme/shop/pr-70'),
  app('other-branch', 'previews/acme/shop/pr-7', { targetRevision: 'staging' }),
  app('other-repo', 'previews/acme/shop/pr-7', { repoURL: 'https://git.example.com/platform/other.git' }),
  app('tracks-head', 'previews/acme/shop/pr-7', { targetRevision: 'HEAD', repoURL: 'git@git.example.com:platform/gitops.git' }),
];
const targets = [{ env: { owner: 'acme', repo: 'shop', pr: 7 }, commit: 'c'.repeat(40), subject: 'preview(acme/shop#7): update to 1234567' }];

describe('createWebhookRefresher: a GitHub push to Argo CD\'s webhook', { timeout: 30_000 }, () => {
  let argo: ArgoCdWebhookReceiver;
  let appset: ArgoCdWebhookReceiver;
  before(async () => {
    argo = await startArgoCdWebhookReceiver({ secret: SECRET, apps: () => APPS, generator: { repoURL: REPO, revision: 'main' } });
    appset = await startArgoCdWebhookReceiver({ secret: SECRET, apps: () => [], generator: { repoURL: REPO, revision: 'main' } });
  });
  after(async () => {
    await argo.close();
    await appset.close();
  });
  const refresher = (options: Partial<WebhookRefresherOptions> = {}) => createWebhookRefresher({
    urls: [argo.url, appset.url], secret: SECRET, repoUrl: REPO, branch: 'main', author: { name: 'previewd', email: 'previewd@localhost' }, now: () => new Date(), ...options,
  });

  test('signed and accepted at both endpoints: only that preview\'s Applications refreshed, the git generator refreshed', async () => {
    const before = [argo.received.length, appset.received.length];
    await refresher().refresh(targets);
    const [atArgo, atAppset] = [argo.received.slice(before[0]), appset.received.slice(before[1])];
    assert.equal(atArgo.length, 1);
    assert.equal(atAppset.length, 1);
    const push = atArgo[0]!;
    assert.equal(push.status, 200, push.reason);
    assert.equal(push.headers['x-github-event'], 'push');
    assert.match(String(push.headers['x-github-delivery']), /^[0-9a-f-]{36}$/);
    assert.equal(push.headers['content-type'], 'application/json');
    assert.deepEqual(push.refreshedApps, ['pv-acme-shop-7', 'tracks-head'], 'pr-8, pr-70, another branch and another repository are left alone');
    assert.equal(push.refreshesGenerator, true);
    assert.equal(atAppset[0]?.status, 200);
    assert.equal(atAppset[0]?.body, push.body, 'the same event to each endpoint');
  });

  test('the branch decides: a push to another GitOps branch refreshes what tracks that branch, not main', async () => {
    const n = argo.received.length;
    await refresher({ branch: 'staging', urls: [argo.url] }).refresh(targets);
    assert.deepEqual(argo.received[n]?.refreshedApps, ['other-branch', 'tracks-head']);
    assert.equal(argo.received[n]?.refreshesGenerator, false);
  });

  test('a wrong secret: refused as Argo CD refuses it, and the error says which setting to fix', async () => {
    const n = argo.received.length;
    await assert.rejects(refresher({ secret: 'not-the-secret', urls: [argo.url] }).refresh(targets), (err: unknown) => {
      assert.ok(err instanceof RefreshError);
      assert.match(err.message, /answered HTTP 400 \(Webhook processing failed\): check that ARGOCD_WEBHOOK_SECRET equals webhook\.github\.secret in the argocd-secret Secret/);
      assert.ok(!err.message.includes('not-the-secret'));
      return true;
    });
    assert.deepEqual(argo.received[n]?.refreshedApps, []);
  });

  test('no secret while Argo CD has one: refused, and told to set ARGOCD_WEBHOOK_SECRET', async () => {
    await assert.rejects(createWebhookRefresher({ urls: [argo.url], repoUrl: REPO, branch: 'main', author: { name: 'p', email: 'p@x' }, now: () => new Date() }).refresh(targets),
      /set ARGOCD_WEBHOOK_SECRET to it/);
  });

  test('an endpoint down, and one of two failing: each named, the other still told', async () => {
    await assert.rejects(refresher({ urls: ['http://127.0.0.1:9/api/webhook'] }).refresh(targets), /at http:\/\/127\.0\.0\.1:9\/api\/webhook could not be reached: .*check ARGOCD_WEBHOOK_URL/);
    appset.failWith(503);
    const n = argo.received.length;
    await assert.rejects(refresher().refresh(targets), /answered HTTP 503 \(fault\): Argo CD's webhook queue is full/);
    appset.failWith(null);
    assert.equal(argo.received[n]?.status, 200, 'the API server was told all the same');
  });

  test('nothing published: nothing sent', async () => {
    const n = argo.received.length;
    await refresher().refresh([]);
    assert.equal(argo.received.length, n);
  });
});
