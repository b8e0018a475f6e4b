import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { createOctokitForge, type OctokitForgeOptions } from '../../src/adapters/github/octokit-forge.ts';
import { toRepoPermission } from '../../src/adapters/github/repo-permission.ts';
import { ForgeError } from '../../src/ports/forge.ts';
import { createFakeGitHub, loadGitHubSpec, secondaryRateLimit, serverError, primaryRateLimit, type FakeGitHub, type GitHubSpec } from '../helpers/fake-github.ts';

const TOKEN = 'ghp_previewdTestToken0123456789abcdefABCD';
const shop = { owner: 'acme', repo: 'shop' };
const HEAD = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

interface LogEntry {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

function recordingLog() {
  const entries: LogEntry[] = [];
  const at = (level: string) => (obj: object, msg: string) => void entries.push({ level, obj: obj as Record<string, unknown>, msg });
  return { entries, warn: at('warn'), info: at('info'), debug: at('debug'), error: at('error') };
}

async function rejection(promise: Promise<unknown>): Promise<ForgeError> {
  const error = await promise.then(() => assert.fail('expected a ForgeError'), (e: unknown) => e);
  assert.ok(error instanceof ForgeError, `expected a ForgeError, got ${String(error)}`);
  return error;
}

describe('Octokit forge against the fake GitHub, over real HTTP', () => {
  let spec: GitHubSpec;
  let fake: FakeGitHub;
  let log: ReturnType<typeof recordingLog>;

  function forge(overrides: Partial<OctokitForgeOptions> = {}) {
    return createOctokitForge({ baseUrl: fake.url, auth: { kind: 'token', token: TOKEN }, log, retryBaseDelayMs: 5, ...overrides });
  }

  before(async () => {
    spec = loadGitHubSpec();
    fake = await createFakeGitHub({ spec });
    fake.addToken(TOKEN);
    fake.repo('acme/shop')
      .setFile(HEAD, '.github/preview.yaml', 'ttl: 24h\nenv:\n  GREETING: "héllo ✓"\n')
      .setFile('main', '.github/preview.yaml', 'ttl: 1h\n')
      .setFile(HEAD, 'big.bin', Buffer.alloc(1024 * 1024 + 1, 'a'))
      .setFile(HEAD, 'latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  });
  afterEach(() => fake.assertNoViolations());
  after(() => fake.close());

  test('readFile returns the UTF-8 text at the ref, asking for that ref', async () => {
    log = recordingLog();
    const text = await forge().readFile(shop, '.github/preview.yaml', HEAD);
    assert.equal(text, 'ttl: 24h\nenv:\n  GREETING: "héllo ✓"\n');
    assert.equal(await forge().readFile(shop, '.github/preview.yaml', 'main'), 'ttl: 1h\n');
    const asked = fake.requestsFor('repos/get-content').at(-2);
    assert.equal(asked?.path, `/repos/acme/shop/contents/.github%2Fpreview.yaml?ref=${HEAD}`);
    assert.equal(asked?.headers.authorization, `token ${TOKEN}`);
  });

  test('readFile: a missing file or ref is null', async () => {
    log = recordingLog();
    assert.equal(await forge().readFile(shop, '.github/absent.yaml', HEAD), null);
    assert.equal(await forge().readFile(shop, '.github/preview.yaml', 'f'.repeat(40)), null);
  });

  test('readFile: a directory, a file over 1 MB, or non-UTF-8 bytes are clear, non-transient errors', async () => {
    log = recordingLog();
    const dir = await rejection(forge().readFile(shop, '.github', HEAD));
    assert.equal(dir.transient, false);
    assert.match(dir.message, /\.github of acme\/shop at 1a2b3c4\w* is a directory/);
    const big = await rejection(forge().readFile(shop, 'big.bin', HEAD));
    assert.equal(big.transient, false);
    assert.match(big.message, /1048577 bytes.*up to 1 MB/);
    const latin1 = await rejection(forge().readFile(shop, 'latin1.txt', HEAD));
    assert.match(latin1.message, /not UTF-8/);
  });

  test('listPullRequestFiles reads every page, renames with both paths', async () => {
    log = recordingLog();
    const files = Array.from({ length: 248 }, (_, i) => `src/file-${String(i).padStart(3, '0')}.ts`);
    fake.repo('acme/shop').setPullFiles(7, [...files, { filename: 'docs/new.md', previous_filename: 'docs/old.md' }]);
    const before = fake.requestsFor('pulls/list-files').length;
    const paths = await forge().listPullRequestFiles(shop, 7);
    assert.equal(paths.length, 250);
    assert.deepEqual(paths.slice(0, 2), ['src/file-000.ts', 'src/file-001.ts']);
    assert.ok(paths.includes('docs/new.md') && paths.includes('docs/old.md'));
    const pages = fake.requestsFor('pulls/list-files').slice(before).map((r) => r.path);
    assert.deepEqual(pages, [
      '/repos/acme/shop/pulls/7/files?per_page=100',
      '/repos/acme/shop/pulls/7/files?per_page=100&page=2',
      '/repos/acme/shop/pulls/7/files?per_page=100&page=3',
    ]);
  });

  test('labelAddedBy: the actor of the last "labeled" event for the label, case-insensitively, across pages', async () => {
    log = recordingLog();
    const repo = fake.repo('acme/shop').addLabelEvent(8, 'preview', 'mallory');
    for (let i = 0; i < 60; i += 1) repo.addLabelEvent(8, `noise-${i}`, 'bot');
    repo.addLabelEvent(8, 'preview', 'mallory', 'unlabeled').addLabelEvent(8, 'Preview', 'maintainer');
    for (let i = 0; i < 60; i += 1) repo.addLabelEvent(8, `more-${i}`, 'bot');
    const before = fake.requestsFor('issues/list-events').length;
    assert.equal(await forge({ perPage: 50 }).labelAddedBy(shop, 8, 'PREVIEW'), 'maintainer');
    assert.equal(fake.requestsFor('issues/list-events').length - before, 3);
    assert.equal(await forge().labelAddedBy(shop, 8, 'deploy-me'), null);
    assert.equal(await forge().labelAddedBy(shop, 9, 'preview'), null);
  });

  test('permission maps role_name; an unknown user is none', async () => {
    log = recordingLog();
    fake.repo('acme/shop').setRole('maya', 'maintain').setRole('tri', 'triage').setRole('admina', 'admin');
    assert.equal(await forge().permission(shop, 'maya'), 'maintain');
    assert.equal(await forge().permission(shop, 'tri'), 'triage');
    assert.equal(await forge().permission(shop, 'admina'), 'admin');
    assert.equal(await forge().permission(shop, 'no-such-user'), 'none');
    assert.equal(toRepoPermission('custom-reviewer', 'write'), 'write');
    assert.equal(toRepoPermission(undefined, 'something-new'), 'none');
  });

  test('a 500 and a 502 are retried, then the call succeeds', async () => {
    log = recordingLog();
    fake.failNext('GET', '/repos/{owner}/{repo}/contents/{path}', serverError(500));
    fake.failNext('GET', '/repos/{owner}/{repo}/contents/{path}', serverError(502));
    const before = fake.requestsFor('repos/get-content').length;
    assert.equal(await forge().readFile(shop, '.github/preview.yaml', 'main'), 'ttl: 1h\n');
    assert.deepEqual(fake.requestsFor('repos/get-content').slice(before).map((r) => r.status), [500, 502, 200]);
  });

  test('5xx beyond the retries is a transient ForgeError', async () => {
    log = recordingLog();
    fake.failNext('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', serverError(503, 3));
    const error = await rejection(forge({ retries: 2 }).listPullRequestFiles(shop, 7));
    assert.equal(error.transient, true);
    assert.equal(error.status, 503);
    assert.match(error.message, /listing the files of acme\/shop#7 failed: GitHub answered 503/);
  });

  test('a secondary rate limit (403, retry-after: 1) is waited out, and logged', async () => {
    log = recordingLog();
    fake.failNext('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', secondaryRateLimit(1));
    const before = fake.requestsFor('repos/get-collaborator-permission-level').length;
    assert.equal(await forge().permission(shop, 'maya'), 'maintain');
    const [limited, retried] = fake.requestsFor('repos/get-collaborator-permission-level').slice(before);
    assert.equal(limited?.status, 403);
    assert.equal(retried?.status, 200);
    assert.ok((retried?.at ?? 0) - (limited?.at ?? 0) >= 950, 'the retry waited for retry-after');
    const warning = log.entries.find((e) => e.msg === 'GitHub rate limit hit');
    assert.deepEqual(
      { retryAfter: warning?.obj.retryAfter, method: warning?.obj.method, url: warning?.obj.url },
      { retryAfter: 1, method: 'GET', url: '/repos/{owner}/{repo}/collaborators/{username}/permission' },
    );
  });

  test('a 429 secondary limit is retried too; a rate limit beyond the policy is transient', async () => {
    log = recordingLog();
    fake.failNext('GET', '/repos/{owner}/{repo}/issues/{issue_number}/events', secondaryRateLimit(1, 429));
    assert.equal(await forge().labelAddedBy(shop, 9, 'preview'), null);
    fake.failNext('GET', '/repos/{owner}/{repo}/issues/{issue_number}/events', primaryRateLimit(3600));
    const error = await rejection(forge({ throttle: { maxWaitSeconds: 60 } }).labelAddedBy(shop, 9, 'preview'));
    assert.equal(error.transient, true);
    assert.equal(error.status, 403);
    assert.match(error.message, /rate limit/);
  });

  test('401 is not transient, names GITHUB_TOKEN, and never shows the token', async () => {
    log = recordingLog();
    const wrong = 'ghp_thisTokenIsNotKnownToTheFake0123456789';
    const error = await rejection(forge({ auth: { kind: 'token', token: wrong } }).readFile(shop, '.github/preview.yaml', HEAD));
    assert.equal(error.transient, false);
    assert.equal(error.status, 401);
    assert.match(error.message, /GITHUB_TOKEN/);
    assert.ok(!error.message.includes(wrong));
    assert.ok(!JSON.stringify(log.entries).includes(wrong), 'the token is not logged');
  });

  test('a 403 that is not a rate limit is not transient and says which access is missing', async () => {
    log = recordingLog();
    fake.failNext('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', { status: 403, body: { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest', status: '403' } });
    const error = await rejection(forge().listPullRequestFiles(shop, 7));
    assert.equal(error.transient, false);
    assert.match(error.message, /Resource not accessible.*read access/);
  });

  test('a dropped connection is retried; an unreachable GitHub is transient', async () => {
    log = recordingLog();
    fake.failNext('GET', '/repos/{owner}/{repo}/contents/{path}', { status: 0, reset: true });
    assert.equal(await forge().readFile(shop, '.github/preview.yaml', 'main'), 'ttl: 1h\n');
    const error = await rejection(forge({ baseUrl: 'http://127.0.0.1:9', retries: 1 }).readFile(shop, '.github/preview.yaml', 'main'));
    assert.equal(error.transient, true);
    assert.equal(error.status, undefined);
    assert.match(error.message, /could not be reached/);
  });

  test('a request that times out is retried', async () => {
    log = recordingLog();
    fake.failNext('GET', '/repos/{owner}/{repo}/contents/{path}', { status: 0, hang: true });
    const before = fake.requestsFor('repos/get-content').length;
    assert.equal(await forge({ request: { timeoutMs: 200 } }).readFile(shop, '.github/preview.yaml', 'main'), 'ttl: 1h\n');
    assert.deepEqual(fake.requestsFor('repos/get-content').slice(before).map((r) => r.status), [-1, 200]);
  });
});

describe('Octokit forge as a GitHub App', () => {
  const APP_ID = 4242;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  let fake: FakeGitHub;
  const log = recordingLog();

  function appForge() {
    return createOctokitForge({ baseUrl: fake.url, auth: { kind: 'app', appId: APP_ID, privateKey: keys.privateKey }, log, retryBaseDelayMs: 5 });
  }

  before(async () => {
    fake = await createFakeGitHub();
    fake.addApp({ appId: APP_ID, key: keys.publicKey, installations: { 77: 'acme', 88: 'other' } });
    fake.repo('acme/shop').setInstallation(77).setFile(HEAD, '.github/preview.yaml', 'ttl: 2h\n').setPullFiles(3, ['a.txt']);
    fake.repo('other/api').setInstallation(88).setFile('main', 'README.md', 'other\n');
  });
  afterEach(() => fake.assertNoViolations());
  after(() => fake.close());

  test('the webhook\'s installation: one token request with a valid RS256 JWT, then calls with that token', async () => {
    const forge = appForge();
    assert.equal(await forge.readFile(shop, '.github/preview.yaml', HEAD, { installationId: 77 }), 'ttl: 2h\n');
    assert.deepEqual(await forge.listPullRequestFiles(shop, 3, { installationId: 77 }), ['a.txt']);
    const tokenRequests = fake.requestsFor('apps/create-installation-access-token');
    assert.equal(tokenRequests.length, 1, 'the installation token is cached');
    const jwt = tokenRequests[0]?.jwt;
    assert.equal(jwt?.header.alg, 'RS256');
    assert.equal(String(jwt?.payload.iss), String(APP_ID));
    assert.ok(verify('sha256', Buffer.from(jwt?.signed ?? ''), keys.publicKey, jwt?.signature ?? Buffer.alloc(0)), 'signed with the App key');
    const [issued] = [...fake.state.installationTokens].filter(([, t]) => t.installationId === 77).map(([token]) => token);
    for (const r of [...fake.requestsFor('repos/get-content'), ...fake.requestsFor('pulls/list-files')]) {
      assert.equal(r.headers.authorization, `token ${issued}`);
    }
  });

  test('without an installation id the installation on the repository is looked up (once)', async () => {
    const forge = appForge();
    assert.equal(await forge.readFile({ owner: 'other', repo: 'api' }, 'README.md', 'main'), 'other\n');
    assert.equal(await forge.readFile({ owner: 'Other', repo: 'API' }, 'README.md', 'main'), 'other\n');
    assert.equal(fake.requestsFor('apps/get-repo-installation').length, 1);
    const lookup = fake.requestsFor('apps/get-repo-installation')[0];
    assert.equal(lookup?.identity?.kind, 'app');
  });

  test('a repository the App is not installed on is a non-transient error that says so', async () => {
    fake.repo('acme/elsewhere');
    const error = await rejection(appForge().readFile({ owner: 'acme', repo: 'elsewhere' }, 'README.md', 'main'));
    assert.equal(error.transient, false);
    assert.equal(error.status, 404);
    assert.match(error.message, /not installed on this repository/);
  });

  test('octokitFor hands the same installation client to reporting code', async () => {
    const forge = appForge();
    const octokit = await forge.octokitFor(shop, { installationId: 77 });
    assert.equal(octokit, await forge.octokitFor(shop, { installationId: 77 }));
    await octokit.rest.issues.createComment({ owner: 'acme', repo: 'shop', issue_number: 3, body: 'Preview ready' });
    assert.equal(fake.repo('acme/shop').state.comments[0]?.user, 'previewd[bot]');
  });

  test('a wrong App key is a non-transient error naming the App settings, without the key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const forge = createOctokitForge({ baseUrl: fake.url, auth: { kind: 'app', appId: APP_ID, privateKey: other.privateKey }, log, retryBaseDelayMs: 5 });
    const error = await rejection(forge.readFile(shop, '.github/preview.yaml', HEAD, { installationId: 77 }));
    assert.equal(error.transient, false);
    assert.match(error.message, /GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/);
    for (const line of other.privateKey.split('\n').filter((l) => l.length > 20)) assert.ok(!error.message.includes(line));
  });
});
