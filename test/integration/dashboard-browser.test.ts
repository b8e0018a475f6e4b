import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../helpers/browser.ts';
import { GITHUB_TOKEN, startFeedbackFixture, type FeedbackFixture } from '../helpers/feedback-fixture.ts';
import { git } from '../helpers/git-cli.ts';
import { SECRET } from '../helpers/service-fixture.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

// The browser's globals, as far as the functions run in the page use them (the project has no DOM types).
interface PageElement { textContent: string | null; getAttribute(name: string): string | null }
declare const document: { getElementById(id: string): PageElement | null; querySelector(selector: string): PageElement | null; documentElement: { scrollWidth: number } };
declare const location: { pathname: string };
declare const window: Record<string, unknown>;

const ADMIN_TOKEN = 'dashboard-admin-token-0123456789abcdef';
const sha = (n: number): string => n.toString(16).padStart(40, 'd');
const HOSTILE_BRANCH = '"><script>window.__pwned="branch"</script>';
const HOSTILE_TITLE = '<img src=x onerror="window.__pwned=\'title\'"><b>bold?</b>';
const PRS = [
  { owner: 'demo', repo: 'app', pr: 1, branch: 'feature/login', title: 'Add a login page', author: 'alice' },
  { owner: 'demo', repo: 'app', pr: 2, branch: 'fix/typo', title: 'Fix a typo in the footer', author: 'bob' },
  { owner: 'demo', repo: 'web', pr: 3, branch: 'feature/dark-mode', title: 'Dark mode', author: 'carol' },
];

function folder(repo: string, pr: number): string {
  return `previews/demo/${repo}/pr-${pr}`;
}

async function open(f: FeedbackFixture, p: { owner: string; repo: string; pr: number; branch: string; title: string; author: string }, n: number, action = 'opened'): Promise<void> {
  const payload = pullRequestPayload({ owner: p.owner, repo: p.repo, pr: p.pr, sha: sha(n), branch: p.branch, author: p.author, action });
  payload.pull_request.title = p.title;
  f.github.repo(`${p.owner}/${p.repo}`).setPull(p.pr, { state: 'open', headSha: sha(n), headRef: p.branch, user: p.author, title: p.title });
  const res = await f.deliver('pull_request', payload);
  assert.equal(res.status, 202);
  await f.until(`${p.owner}/${p.repo}#${p.pr} at ${sha(n).slice(0, 7)} on the remote`, async () => (await f.remote.remoteFile(`${folder(p.repo, p.pr)}/preview.json`))?.includes(sha(n)), 30_000);
}

// Polls the page (bounded) until `check` holds in it: the browser, not the test, decides when.
// A function, not a string: the page's CSP (no 'unsafe-eval') refuses a string to evaluate.
async function until(page: Page, what: string, check: (arg: string | null) => boolean, arg: string | null, timeout = 30_000): Promise<void> {
  await page.waitForFunction(check, arg, { timeout, polling: 100 }).catch((err: Error) => {
    throw new Error(`timed out waiting for ${what}: ${err.message}`);
  });
}

function noSecrets(text: string): void {
  for (const secret of [ADMIN_TOKEN, SECRET, GITHUB_TOKEN]) assert.ok(!text.includes(secret), 'no secret in the page');
}

describe('the dashboard in a real browser (chromium), against the whole service', () => {
  let f: FeedbackFixture;
  let browser: Browser;
  before(async () => {
    f = await startFeedbackFixture({ env: { ADMIN_TOKEN, ARGOCD_URL: 'https://argocd.example.com' } });
    browser = await launchBrowser();
    for (const [i, p] of PRS.entries()) await open(f, p, i + 1);
  });
  after(async () => {
    await browser?.close();
    await f?.close();
  });

  test('the list after three PRs opened through signed webhooks: one row each, counts, links; readable without JavaScript', async () => {
    const page = await browser.page();
    await page.goto(`${f.service.url}/`);
    const rows = page.locator('table.previews tbody tr');
    assert.equal(await rows.count(), 3);
    assert.deepEqual((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-env')))).sort(), ['demo/app#1', 'demo/app#2', 'demo/web#3']);
    const first = page.locator('tr[data-env="demo/app#1"]');
    assert.match(await first.innerText(), /Add a login page/);
    assert.match(await first.innerText(), /alice/);
    assert.match(await first.innerText(), /feature\/login/);
    // GITHUB_API_URL is the fake GitHub's root, so GitHub's web pages are there too (as on an Enterprise host).
    assert.equal(await first.locator('a', { hasText: 'PR ↗' }).getAttribute('href'), `${f.github.url}/demo/app/pull/1`);
    assert.equal(await first.locator('a.sha').getAttribute('href'), `${f.github.url}/demo/app/commit/${sha(1)}`);
    assert.match((await first.locator('a', { hasText: 'Argo CD' }).getAttribute('href')) ?? '', /^https:\/\/argocd\.example\.com\/applications\/argocd\//);
    assert.match(await page.locator('#counts').innerText(), /3\s+environments/);
    // The state is a word and a symbol, not only a colour.
    assert.match(await first.locator('.state').innerText(), /[↑◔✓]\s*(committed|deploying|ready)/);
    noSecrets(await page.content());
    await page.close();

    // Without JavaScript the same rows are there: the page is rendered on the server.
    const html = await (await fetch(`${f.service.url}/`)).text();
    assert.equal((html.match(/<tr data-env=/g) ?? []).length, 3);
    assert.match(html, /Add a login page/);
  });

  test('a state change is seen live, without a reload, with the live mark on', async () => {
    const page = await browser.page();
    await page.goto(`${f.service.url}/`);
    await until(page, 'the live mark', () => document.getElementById('live')?.textContent === 'live', null);
    await page.evaluate(() => { window.__same = 1; });
    const ids = await f.argo.generate();
    const id = ids.find((i) => i.includes('app') && i.includes('1')) ?? '';
    assert.ok(id);
    f.argo.healthy(id, await f.argo.head(), 'https://app-1.preview.example.com');
    await until(page, 'demo/app#1 ready in the page', () => document.querySelector('tr[data-env="demo/app#1"]')?.getAttribute('data-state') === 'ready', null);
    assert.equal(await page.evaluate(() => window.__same), 1, 'the same page, not a reload');
    assert.match(await page.locator('tr[data-env="demo/app#1"] .state').innerText(), /✓\s*ready/);
    assert.match(await page.locator('#counts').innerText(), /ready\s+1/);
    await page.close();
  });

  test('filter by repo and state, search by PR number and by branch', async () => {
    const page = await browser.page();
    await page.goto(`${f.service.url}/`);
    await page.selectOption('select[name=repo]', 'demo/web');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/repo=demo%2Fweb/);
    assert.deepEqual(await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-env'))), ['demo/web#3']);
    await page.goto(`${f.service.url}/?state=ready`);
    assert.deepEqual(await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-env'))), ['demo/app#1']);
    await page.goto(`${f.service.url}/`);
    await page.fill('input[name=q]', '#2');
    await page.press('input[name=q]', 'Enter');
    await page.waitForURL(/q=%232/);
    assert.deepEqual(await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-env'))), ['demo/app#2']);
    await page.goto(`${f.service.url}/?q=DARK`);
    assert.deepEqual(await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-env'))), ['demo/web#3']);
    await page.goto(`${f.service.url}/?q=no-such-branch`);
    assert.equal(await page.locator('tbody tr').count(), 0);
    assert.match(await page.locator('.empty').innerText(), /No environment matches/);
    await page.close();
  });

  test('a hostile branch name and title are text, never HTML', async () => {
    await open(f, { owner: 'demo', repo: 'app', pr: 4, branch: HOSTILE_BRANCH, title: HOSTILE_TITLE, author: 'mallory' }, 4);
    const page = await browser.page();
    await page.goto(`${f.service.url}/`);
    const row = page.locator('tr[data-env="demo/app#4"]');
    assert.ok((await row.innerText()).includes(HOSTILE_BRANCH), 'the branch shows as the text it is');
    assert.ok((await row.innerText()).includes(HOSTILE_TITLE), 'the title shows as the text it is');
    assert.equal(await row.locator('img, script, b').count(), 0, 'no element made from them');
    await page.goto(`${f.service.url}/previews/demo/app/4`);
    assert.ok((await page.locator('#facts').innerText()).includes(HOSTILE_BRANCH));
    assert.equal(await page.locator('main img, main script, main b').count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'nothing ran');
    await page.close();
  });

  test('sign in with the admin token; a preserve makes its commit; a form without the CSRF token is refused', async () => {
    const page = await browser.page();
    await page.goto(`${f.service.url}/previews/demo/app/2`);
    assert.equal(await page.locator('#actions').count(), 0, 'no actions before signing in');
    await page.fill('#token', 'not-the-token');
    await page.click('form.sign-in button');
    assert.match(await page.locator('h1').innerText(), /Sign-in refused/);
    await page.goto(`${f.service.url}/previews/demo/app/2`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('form.sign-in button');
    await page.waitForURL(/\/previews\/demo\/app\/2$/);
    assert.match(await page.locator('.account').innerText(), /signed in as admin/);
    const cookies = await browser.context.cookies(f.service.url);
    const session = cookies.find((c) => c.name === 'previewd_session');
    assert.ok(session?.httpOnly && session.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session cookie');
    assert.ok(!cookies.some((c) => c.value.includes(ADMIN_TOKEN)), 'the token itself is not the cookie');
    noSecrets(await page.content());

    // A POST with the session but without the form's CSRF token changes nothing.
    const head = await f.remote.remoteHead();
    const status = await page.evaluate(async () => (await fetch(`${location.pathname}/preserve`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'for=24h' })).status);
    assert.equal(status, 403);
    const forged = await page.evaluate(async () => (await fetch(`${location.pathname}/preserve`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'for=24h&csrf=forged' })).status);
    assert.equal(forged, 403);
    await f.service.reconciler.idle();
    assert.equal(await f.remote.remoteHead(), head, 'no commit for a refused form');

    await page.fill('#actions input[name=for]', '24h');
    await page.click('#actions button:has-text("Preserve")');
    await page.waitForURL(/done=preserve/);
    assert.match(await page.locator('#notice').innerText(), /preserve: done/);
    await f.until('the preserve commit on the remote', async () => /preserve until/.test(await git(f.remote.bare, ['log', '-1', '--format=%s', 'main', '--', folder('app', 2)])), 30_000);
    const message = await git(f.remote.bare, ['log', '-1', '--format=%B', 'main', '--', folder('app', 2)]);
    assert.match(message, /^Preview-Action: preserve$/m);
    assert.match(message, /^Preview-Actor: dashboard$/m);
    await until(page, 'preserved on the page', () => /preserved until/.test(document.getElementById('facts')?.textContent ?? ''), null);
    await page.close();
  });

  test('the detail page: live Argo CD status, the history after an update, a human revert and a rollback, the overlay files', async () => {
    await open(f, PRS[0] as (typeof PRS)[number], 11, 'synchronize');
    const [update, create] = (await git(f.remote.bare, ['log', '--format=%H', 'main', '--', folder('app', 1)])).split('\n');
    await git(f.remote.human, ['pull', '--quiet', 'origin', 'main']);
    await git(f.remote.human, ['revert', '--no-edit', update ?? '']);
    await git(f.remote.human, ['push', '--quiet', 'origin', 'HEAD:main']);
    const revert = await git(f.remote.human, ['rev-parse', 'HEAD']);
    await f.service.resync();
    await f.service.reconciler.idle();

    const page = await browser.page();
    await page.goto(`${f.service.url}/previews/demo/app/1`);
    await until(page, 'the human commit in the timeline', (commit) => document.querySelector(`#history li[data-commit="${commit}"]`) !== null, revert);
    const human = page.locator(`#history li[data-commit="${revert}"]`);
    assert.equal(await human.getAttribute('data-action'), 'manual');
    assert.match(await human.innerText(), /human commit/);
    assert.match(await page.locator('#argocd').innerText(), /Synced/);
    assert.match(await page.locator('#argocd').innerText(), /Healthy/);

    // Roll back to the update, from its entry in the timeline.
    await page.click(`#history li[data-commit="${update}"] button:has-text("Roll back to this")`).catch(async (err: Error) => {
      throw new Error(`${err.message}; the history is: ${await page.locator('#history').innerText()}`);
    });
    await page.waitForURL(/done=rollback/);
    await f.until('the rollback on the remote', async () => /^Preview-Action: rollback$/m.test(await git(f.remote.bare, ['log', '-1', '--format=%B', 'main', '--', folder('app', 1)])), 30_000);
    assert.match((await f.remote.remoteFile(`${folder('app', 1)}/preview.json`)) ?? '', new RegExp(sha(11)), 'the rollback restored the update');
    await until(page, 'the rollback in the timeline', () => document.querySelector('#history li')?.getAttribute('data-action') === 'rollback', null);
    const actions = await page.locator('#history li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-action')));
    assert.deepEqual(actions, ['rollback', 'manual', 'update', 'create']);
    assert.equal(await page.locator(`#history li[data-commit="${create}"]`).count(), 1);
    assert.match(await page.locator('#history li').first().innerText(), /by dashboard/);
    const files = await page.locator('#files summary').allInnerTexts();
    assert.ok(['kustomization.yaml', 'namespace.yaml', 'preview.json'].every((name) => files.includes(name)), `overlay files: ${files.join(', ')}`);
    noSecrets(await page.content());
    await browser.screenshot(page, 'detail-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scrolling at a phone width');
    await browser.screenshot(page, 'detail-phone');

    // The list once the environments have been through all of the above.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${f.service.url}/`);
    await until(page, 'the live mark', () => document.getElementById('live')?.textContent === 'live', null);
    noSecrets(await page.content());
    await browser.screenshot(page, 'list-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scrolling at a phone width');
    await browser.screenshot(page, 'list-phone');
    await page.close();
  });

  test('redeploy puts the PR head back over a hand edit; destroy removes the folder and the row', async () => {
    const kustomization = `${folder('web', 3)}/kustomization.yaml`;
    const hand = '# edited by hand\n';
    await git(f.remote.human, ['pull', '--quiet', 'origin', 'main']);
    await appendFile(`${f.remote.human}/${kustomization}`, hand);
    await git(f.remote.human, ['commit', '--quiet', '-am', 'tweak web#3 by hand']);
    await git(f.remote.human, ['push', '--quiet', 'origin', 'HEAD:main']);
    await f.service.resync();
    await f.service.reconciler.idle();

    const page = await browser.page();
    await page.goto(`${f.service.url}/previews/demo/web/3`);
    assert.equal(await page.locator('#history li').first().getAttribute('data-action'), 'manual', 'the hand edit is the newest entry');
    await page.click('#actions button:has-text("Redeploy")');
    await page.waitForURL(/done=redeploy/);
    assert.match(await page.locator('#notice').innerText(), /redeploy: done/);
    await f.until('the redeploy on the remote', async () => /^Preview-Actor: dashboard$/m.test(await git(f.remote.bare, ['log', '-1', '--format=%B', 'main', '--', folder('web', 3)])), 30_000);
    assert.ok(!((await f.remote.remoteFile(kustomization)) ?? '').includes(hand), 'the hand edit is gone');
    assert.match((await f.remote.remoteFile(`${folder('web', 3)}/preview.json`)) ?? '', new RegExp(sha(3)), 'the PR head runs');
    await until(page, 'the redeploy in the timeline', () => document.querySelector('#history li')?.getAttribute('data-action') !== 'manual', null);

    await page.click('#actions button:has-text("Destroy now")');
    await page.waitForURL((url) => url.pathname === '/');
    await f.until('the folder gone from the remote', async () => (await f.remote.remoteFile(`${folder('web', 3)}/preview.json`)) === null, 30_000);
    assert.match(await git(f.remote.bare, ['log', '-1', '--format=%B', 'main']), /^Preview-Action: destroy$/m);
    await page.goto(`${f.service.url}/`);
    assert.equal(await page.locator('tr[data-env="demo/web#3"]').count(), 0, 'no row for the destroyed environment');
    assert.equal(await page.locator('tr[data-env="demo/app#1"]').count(), 1);
    await page.close();
  });
});

describe('the dashboard without ADMIN_TOKEN', () => {
  let f: FeedbackFixture;
  let browser: Browser;
  before(async () => {
    f = await startFeedbackFixture();
    browser = await launchBrowser();
    await open(f, PRS[0] as (typeof PRS)[number], 1);
  });
  after(async () => {
    await browser?.close();
    await f?.close();
  });

  test('is read-only and says so: no sign-in, no action forms, and a forged POST is refused', async () => {
    const page = await browser.page();
    await page.goto(`${f.service.url}/`);
    assert.match(await page.locator('#read-only').innerText(), /Read-only: previewd runs without ADMIN_TOKEN/);
    assert.equal(await page.locator('form[method=post]').count(), 0);
    await page.goto(`${f.service.url}/previews/demo/app/1`);
    assert.match(await page.locator('#read-only').innerText(), /Read-only/);
    assert.equal(await page.locator('form[method=post]').count(), 0, 'no sign-in and no action forms');
    const head = await f.remote.remoteHead();
    const status = await page.evaluate(async () => (await fetch(`${location.pathname}/destroy`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x' })).status);
    assert.equal(status, 403);
    await f.service.reconciler.idle();
    assert.equal(await f.remote.remoteHead(), head);
    await page.close();
  });
});
