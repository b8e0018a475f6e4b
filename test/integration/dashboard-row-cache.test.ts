import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import type { IsomorphicGitStore } from '../../src/adapters/git/isomorphic-git-store.ts';
import { buildApp } from '../../src/app.ts';
import { envFolder, type EnvRef } from '../../src/domain/environment.ts';
import { formatPreviewJson } from '../../src/domain/preview-json.ts';
import { listPage } from '../../src/http/dashboard/list-page.ts';
import { parseListQuery } from '../../src/http/dashboard/list-view.ts';
import { createDeliveryLog } from '../../src/http/delivery-log.ts';
import type { PreviewApi } from '../../src/http/preview-api.ts';
import type { ChangeSet } from '../../src/ports/gitops-store.ts';
import { createPreviewStatusBook, type PreviewStatus, type PreviewStatusBook } from '../../src/reconciler/preview-status-book.ts';
import { createPreviewApi } from '../../src/service/create-preview-api.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../helpers/gitops-remote.ts';
import { openStore, sha } from '../helpers/store-fixture.ts';

// The list keeps each row's bytes between GETs (a live page asks for all of it on every change): a row
// served from before a change would show the past as the present. Each GET here is checked against the
// same page rendered afresh, from the same list and clock.
const links = { githubWeb: 'https://github.com', argocdWeb: 'https://argocd.example.com', argocdNamespace: 'argocd' };
const ENVS: EnvRef[] = [{ owner: 'acme', repo: 'shop', pr: 1 }, { owner: 'acme', repo: 'shop', pr: 2 }, { owner: 'acme', repo: 'api', pr: 7 }];
const START = Date.parse('2026-03-01T12:00:00.000Z');

function change(env: EnvRef, n: number, at: number, extra: { preservedUntil?: string } = {}): ChangeSet {
  const iso = new Date(at).toISOString();
  const preview = {
    id: `${env.repo}-pr-${env.pr}-${env.owner}`, namespace: `pv-${env.repo}-pr-${env.pr}`, repo: `${env.owner}/${env.repo}`, pr: env.pr,
    sha: sha(n), branch: `feature/${env.repo}-${env.pr}`, url: `https://pv-${env.repo}-pr-${env.pr}.preview.example.com`, author: 'octocat',
    createdAt: new Date(START - 3_600_000).toISOString(), updatedAt: iso, expiresAt: new Date(at + 48 * 3_600_000).toISOString(), preservedUntil: extra.preservedUntil ?? null,
  };
  return {
    env,
    changes: [
      { type: 'write', path: `${envFolder(env)}/kustomization.yaml`, content: 'resources:\n  - namespace.yaml\n' },
      { type: 'write', path: `${envFolder(env)}/namespace.yaml`, content: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${preview.namespace}\n` },
      { type: 'write', path: `${envFolder(env)}/preview.json`, content: formatPreviewJson(preview) },
    ],
    meta: { action: 'update', sha: sha(n), actor: 'octocat', repoUrl: `https://github.com/${env.owner}/${env.repo}` },
  };
}

function status(env: EnvRef, state: PreviewStatus['state'], title: string, reason?: string): PreviewStatus {
  return { env, state, title, author: 'octocat', at: new Date(START).toISOString(), ...(reason ? { reason } : {}) };
}

function rowOf(page: string, env: EnvRef): string {
  const start = page.indexOf(`<tr data-env="${env.owner}/${env.repo}#${env.pr}"`);
  assert.ok(start >= 0, `no row for ${env.owner}/${env.repo}#${env.pr}`);
  return page.slice(start, page.indexOf('</tr>', start));
}

describe('the dashboard list serves no stale row', { timeout: 60_000 }, () => {
  let remote: GitOpsRemote;
  let store: IsomorphicGitStore;
  let statuses: PreviewStatusBook;
  let api: PreviewApi;
  let clock = START;
  let url: string;
  let close: () => Promise<void>;

  before(async () => {
    remote = await createGitOpsRemote();
    store = await openStore(remote);
    for (const [i, env] of ENVS.entries()) await store.commit(change(env, i + 1, START - i * 60_000));
    await store.publish();
    statuses = createPreviewStatusBook();
    for (const env of ENVS) statuses.set(status(env, 'ready', `Change ${env.pr}`));
    const now = (): Date => new Date(clock);
    api = createPreviewApi({ store, statuses, enqueue: () => true, now });
    const app = await buildApp({
      logger: pino({ level: 'silent' }),
      webhooks: { secrets: ['test'], bodyLimit: 1024, deliveries: createDeliveryLog(), handle: () => ({ accepted: true }) },
      health: { readiness: () => ({ ready: true, reasons: [] }) },
      api: { api, adminToken: null },
      dashboard: { api, adminToken: null, clusterAccess: false, links, now },
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    close = () => app.close();
  });
  after(async () => {
    await close?.();
    await remote?.close();
  });

  // GET `path`, and the same page rendered afresh: they must be the same bytes, with a right length.
  async function get(path = '/'): Promise<string> {
    const res = await fetch(`${url}${path}`);
    assert.equal(res.status, 200);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(Number(res.headers.get('content-length')), body.length);
    const query = Object.fromEntries(new URL(path, url).searchParams);
    const fresh = listPage({ previews: await api.list(), query: parseListQuery(query), viewer: { mode: 'read-only' }, links, now: new Date(clock), back: path });
    assert.equal(body.toString(), fresh, 'the page served is the page rendered afresh');
    return fresh;
  }

  test('a state, reason and title recorded after a GET are on the next GET, counts too', async () => {
    const first = await get();
    assert.match(rowOf(first, ENVS[0] as EnvRef), /data-state="ready"/);
    statuses.set(status(ENVS[0] as EnvRef, 'failed', 'Change 1, second try', 'Deployment "app" exceeded its progress deadline'));
    const next = await get();
    const row = rowOf(next, ENVS[0] as EnvRef);
    assert.match(row, /data-state="failed"/);
    assert.match(row, /Change 1, second try/);
    assert.match(row, /exceeded its progress deadline/);
    assert.match(next, /data-count="failed"><span[^>]*>.*<\/span> <strong>1<\/strong>/);
    // The other rows are unchanged, and still there.
    assert.equal(rowOf(next, ENVS[1] as EnvRef), rowOf(first, ENVS[1] as EnvRef));
  });

  test('a new commit for an environment (sha, expiry, preservation) is on the next GET', async () => {
    await get();
    clock += 5 * 60_000;
    await store.commit(change(ENVS[2] as EnvRef, 9, clock, { preservedUntil: new Date(clock + 72 * 3_600_000).toISOString() }));
    await store.publish();
    const row = rowOf(await get(), ENVS[2] as EnvRef);
    assert.match(row, new RegExp(`/commit/${sha(9)}"`));
    assert.match(row, /⚑ kept until <time[^>]*>in 3 d<\/time>/);
  });

  test('time passing changes the words of a row that nothing else changed', async () => {
    const before = rowOf(await get(), ENVS[1] as EnvRef);
    assert.match(before, /<td data-label="Changed"><time[^>]*>\d+ min ago<\/time>/);
    clock += 3 * 3_600_000;
    const later = rowOf(await get(), ENVS[1] as EnvRef);
    assert.match(later, /<td data-label="Changed"><time[^>]*>3 h ago<\/time>/);
    assert.notEqual(later, before);
  });

  test('filtered pages and the full page agree, and a destroyed environment leaves both', async () => {
    statuses.set(status(ENVS[1] as EnvRef, 'sleeping', 'Change 2'));
    assert.match(rowOf(await get('/?state=sleeping'), ENVS[1] as EnvRef), /☾ asleep/);
    assert.match(rowOf(await get(), ENVS[1] as EnvRef), /☾ asleep/);
    await store.commit({ env: ENVS[1] as EnvRef, changes: [{ type: 'delete', path: envFolder(ENVS[1] as EnvRef) }], meta: { action: 'destroy', actor: 'octocat' } });
    await store.publish();
    const page = await get();
    assert.ok(!page.includes('data-env="acme/shop#2"'), 'the destroyed environment is gone');
    assert.match(await get('/?state=sleeping'), /No environment matches this filter/);
  });

  test('the last commit of each folder after new tips: carried over when untouched, the newest when changed back to equal content', async () => {
    const commitOf = async (env: EnvRef) => (await api.list()).find((p) => p.pr === env.pr && p.owner === env.owner && p.repo === env.repo)?.commit ?? null;
    const one: EnvRef = { owner: 'acme', repo: 'web', pr: 11 };
    const two: EnvRef = { owner: 'acme', repo: 'web', pr: 12 };
    await store.commit(change(one, 40, clock));
    const before = await commitOf(one);
    assert.ok(before);
    // Other folders move the tip on: this folder's last commit is still the one it had.
    clock += 60_000;
    await store.commit(change(two, 20, clock));
    await store.commit(change(two, 21, clock));
    assert.equal(await commitOf(one), before);
    // Changed and changed back between two lists: the content is as it was, the last commit is new.
    const original = change(one, 30, clock);
    const away = await store.commit(original);
    assert.equal(away.status, 'committed');
    const back = await store.commit({ ...change(one, 31, clock), meta: { ...original.meta, sha: sha(31) } });
    assert.equal(back.status, 'committed');
    const again = await store.commit(original);
    assert.equal(again.status, 'committed');
    assert.equal(await commitOf(one), again.status === 'committed' ? again.commit : null);
    await store.publish();
  });
});
