import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { applicationState } from '../../src/domain/application-state.ts';
import type { ConfigProblem } from '../../src/domain/config-problem.ts';
import { commentMarker, formatCommentForLog, gitopsWebUrl, renderComment, type CommentView } from '../../src/domain/render-comment.ts';
import type { ArgoApplication } from '../../src/ports/cluster.ts';

const ENV = { owner: 'acme', repo: 'shop', pr: 42 };
const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const GITOPS = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';
const NOW = new Date('2025-01-02T03:10:00Z');

const base: CommentView = {
  env: ENV,
  state: 'ready',
  url: 'https://pv-shop-42-k3j5x7qa.preview.example.com',
  namespace: 'pv-shop-42-k3j5x7qa',
  sha: SHA,
  repoUrl: 'https://github.com/acme/shop',
  gitopsCommit: GITOPS,
  gitopsWeb: gitopsWebUrl('https://previewd:ghp_secret@github.com/platform/gitops.git'),
  gitopsBranch: 'main',
  sync: 'Synced',
  health: 'Healthy',
  expiresAt: '2025-01-05T03:04:05.000Z',
  preservedUntil: null,
};

function argoState(status: ArgoApplication['status'] | null, committedAt = new Date('2025-01-02T03:08:00Z')) {
  const app = status === null ? null : { metadata: { name: 'shop-pr-42-acme-k3j5x7qa' }, status };
  const { state, reasons, sync, health, note } = applicationState({ app, lastCommit: GITOPS, revisionContainsCommit: true, committedAt, now: NOW });
  return { state, reasons, sync, health, ...(note === undefined ? {} : { note }) };
}

const synced = { sync: { status: 'Synced', revision: GITOPS }, health: { status: 'Healthy' }, operationState: { phase: 'Succeeded', syncResult: { revision: GITOPS } } };
const hostile: ConfigProblem[] = [
  {
    file: '.github/preview.yaml',
    path: '/env/<script>alert(1)</script>',
    message: 'env value "@everyone `rm -rf /` | <img src=x onerror=alert(1)>\n## injected heading" is too long',
    accepted: 'at most 1024 characters; see [docs](https://evil.example/) and acme/other#1',
  },
  { file: '.github/preview.yaml', path: '/ttl', message: 'ttl 30d is above the policy’s maximum', accepted: 'at most 14d' },
  { file: '.github/preview.yaml', path: '', message: 'the file is not YAML: <!-- -->', accepted: 'a YAML mapping' },
];

const cases: Array<[name: string, view: CommentView]> = [
  ['ready', { ...base, ...argoState(synced) }],
  ['deploying', { ...base, ...argoState({ ...synced, health: { status: 'Progressing', message: 'Waiting for rollout to finish: 0 of 1 updated replicas are available...' } }) }],
  ['committed', { ...base, ...argoState(null), sync: null, health: null }],
  ['committed-too-long', { ...base, ...argoState(null, new Date('2025-01-02T03:01:00Z')), sync: null, health: null }],
  ['failed', {
    ...base,
    ...argoState({
      ...synced,
      health: { status: 'Degraded', message: 'Deployment "shop" exceeded its progress deadline' },
      resources: [
        { kind: 'Service', name: 'shop', health: { status: 'Healthy' } },
        { group: 'apps', kind: 'Deployment', name: 'shop', health: { status: 'Degraded', message: 'Deployment "shop" exceeded its progress deadline' } },
        { kind: 'Pod', name: 'shop-7d9c_x', health: { status: 'Degraded', message: 'back-off 5m0s restarting failed container=app pod=shop-7d9c_x(…)' } },
      ],
    }),
  }],
  ['failed-argo-cd-3', { ...base, ...argoState({ ...synced, health: { status: 'Degraded' }, resources: [{ kind: 'Service', name: 'shop' }, { group: 'apps', kind: 'Deployment', name: 'shop' }] }) }],
  ['refused', { env: ENV, state: 'refused', sha: SHA, repoUrl: 'https://github.com/acme/shop', problems: hostile, gitopsWeb: base.gitopsWeb ?? null }],
  ['destroyed', { ...base, state: 'destroyed', sync: null, health: null }],
  ['preserved', { ...base, ...argoState(synced), preservedUntil: '2025-01-09T00:00:00Z' }],
  ['no-gitops-web', { ...base, ...argoState(synced), gitopsWeb: gitopsWebUrl('http://127.0.0.1:8080/gitops.git'), repoUrl: null }],
  ['building', {
    env: ENV, state: 'building', sha: SHA, repoUrl: 'https://github.com/acme/shop', gitopsWeb: base.gitopsWeb ?? null, gitopsBranch: 'main',
    build: {
      verdict: 'wait', since: '2025-01-02T03:00:00Z', deadline: '2025-01-02T05:00:00.000Z', timeout: '2h',
      pending: [
        { name: 'build', kind: 'check', state: 'in_progress', url: 'https://github.com/acme/shop/actions/runs/1/job/2', since: '2025-01-02T03:01:00Z' },
        { name: 'ci/jenkins', kind: 'status', state: 'pending', url: 'https://ci.example.com/job/shop/7', since: '2025-01-02T03:02:00Z' },
        { name: 'deploy-*', kind: 'expected', state: 'expected', url: null, since: null },
      ],
    },
  }],
  ['building-over-a-deployed-sha', {
    ...base, ...argoState(synced), state: 'building',
    build: { sha: 'b'.repeat(40), verdict: 'wait', since: '2025-01-02T03:00:00Z', deadline: '2025-01-02T05:00:00.000Z', timeout: '2h', pending: [{ name: 'ghcr.io/acme/shop:bbbbbbb', kind: 'image', state: 'missing', url: null, since: null }] },
  }],
  ['build-failed', {
    env: ENV, state: 'failed', sha: SHA, repoUrl: 'https://github.com/acme/shop', gitopsWeb: base.gitopsWeb ?? null,
    build: { verdict: 'fail', failed: { name: 'ci / image', kind: 'check', conclusion: 'failure', url: 'https://github.com/acme/shop/actions/runs/1/job/3' } },
  }],
  ['build-timed-out', {
    env: ENV, state: 'failed', sha: SHA, repoUrl: 'https://github.com/acme/shop', gitopsWeb: base.gitopsWeb ?? null,
    build: { verdict: 'timed-out', since: '2025-01-02T03:00:00Z', deadline: '2025-01-02T05:00:00.000Z', timeout: '2h', pending: [{ name: 'build', kind: 'check', state: 'queued', url: null, since: null }] },
  }],
];

describe('renderComment: golden', () => {
  for (const [name, view] of cases) {
    test(name, async () => {
      const body = renderComment(view);
      const golden = new URL(`../fixtures/golden/comments/${name}.md`, import.meta.url);
      if (process.env.UPDATE_GOLDEN === '1') {
        await mkdir(new URL('.', golden), { recursive: true });
        await writeFile(golden, body);
      }
      assert.equal(body, await readFile(golden, 'utf8'), `comments/${name}.md differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`);
    });
  }
});

describe('renderComment: facts', () => {
  test('the marker is the first line, stable and case-insensitive in the environment', () => {
    for (const [, view] of cases) assert.equal(renderComment(view).split('\n')[0], '<!-- previewd:acme/shop#42 -->');
    assert.equal(commentMarker({ owner: 'Acme', repo: 'Shop', pr: 42 }), commentMarker(ENV));
  });

  test('the states read as their headings', () => {
    assert.match(renderComment({ ...base, ...argoState(synced) }), /^### ✅ Preview ready$/m);
    assert.match(renderComment({ ...base, state: 'failed' }), /^### ❌ Preview failed$/m);
  });

  test('problem text cannot inject HTML, mentions, references, links or structure', () => {
    const body = renderComment({ env: ENV, state: 'refused', problems: hostile });
    const text = body.split('\n').slice(1).join('\n'); // past the marker, previewd's own HTML comment
    assert.doesNotMatch(text, /<script|<img|<!--/i);
    assert.doesNotMatch(text, /@everyone/);
    assert.doesNotMatch(text, /acme\/other#1/);
    assert.doesNotMatch(text, /\]\(https:\/\/evil/);
    assert.doesNotMatch(text, /^#+ injected/m);
    assert.doesNotMatch(text, /`rm/);
    const problemLines = body.split('\n').filter((line) => line.startsWith('* **'));
    assert.equal(problemLines.length, 3, 'one list item per problem, newlines flattened');
    assert.ok(problemLines.every((line) => !line.includes('|')));
  });

  test('Argo CD reasons and notes are escaped as well', () => {
    const body = renderComment({ ...base, state: 'failed', reasons: ['ComparisonError: <b>x</b> @octocat'], note: 'see `kubectl` | #12' });
    assert.doesNotMatch(body, /<b>|@octocat|`kubectl`|\| #12/);
  });

  test('deterministic: the same view renders the same bytes', () => {
    for (const [, view] of cases) assert.equal(renderComment(structuredClone(view)), renderComment(view));
  });

  test('no credential of the GitOps remote reaches the comment', () => {
    const body = renderComment({ ...base, gitopsWeb: 'https://previewd:ghp_secret@github.com/platform/gitops' });
    assert.doesNotMatch(body, /ghp_secret/);
    assert.match(body, /git log -- previews\/acme\/shop\/pr-42/);
  });

  test('hostile URLs and shas are not links', () => {
    const body = renderComment({ ...base, url: 'javascript:alert(1)', sha: 'not a sha)', repoUrl: 'javascript:x' });
    assert.doesNotMatch(body, /javascript:/);
    assert.match(body, /\*\*App commit:\*\* not a sha\\\)/);
  });

  test('a very long problem list is capped', () => {
    const problems = Array.from({ length: 80 }, (_, i) => ({ file: '.github/preview.yaml', path: `/env/K${i}`, message: 'too long', accepted: 'shorter' }));
    const body = renderComment({ env: ENV, state: 'refused', problems });
    assert.match(body, /^\* … and 30 more$/m);
    assert.ok(body.length < 65536);
  });
});

describe('renderComment: the build wait', () => {
  const hostileCheck = { name: '@everyone <img src=x> #1 `x` | y\n## h', kind: 'check' as const, state: 'in_progress', url: 'javascript:alert(1)', since: null };
  test('check names and links from CI are inert text', () => {
    const body = renderComment({ env: ENV, state: 'building', sha: SHA, build: { verdict: 'wait', since: '2025-01-02T03:00:00Z', deadline: '2025-01-02T05:00:00Z', timeout: '2h', pending: [hostileCheck] } });
    const text = body.split('\n').slice(1).join('\n');
    assert.doesNotMatch(text, /<img|@everyone|javascript:|`x`|^## h/m);
    const failed = renderComment({ env: ENV, state: 'failed', build: { verdict: 'fail', failed: { ...hostileCheck, conclusion: '<b>failure</b>' } } });
    assert.doesNotMatch(failed.split('\n').slice(1).join('\n'), /<img|<b>|@everyone|javascript:/);
  });
  test('the build shows only where it explains the state', () => {
    const wait = { verdict: 'wait' as const, since: '2025-01-02T03:00:00Z', deadline: '2025-01-02T05:00:00Z', timeout: '2h', pending: [{ ...hostileCheck, name: 'build', url: null }] };
    // A wait is old news once the sha is deployed: Argo CD's words, as before.
    assert.equal(renderComment({ ...base, ...argoState(synced), build: wait }), renderComment({ ...base, ...argoState(synced) }));
    assert.equal(renderComment({ ...base, state: 'failed', reasons: ['x'], build: wait }), renderComment({ ...base, state: 'failed', reasons: ['x'] }));
  });
  test('a long list of pending checks is capped', () => {
    const pending = Array.from({ length: 30 }, (_, i) => ({ name: `job ${i}`, kind: 'check' as const, state: 'queued', url: null, since: null }));
    const body = renderComment({ env: ENV, state: 'building', build: { verdict: 'wait', since: '2025-01-02T03:00:00Z', deadline: '2025-01-02T05:00:00Z', timeout: '2h', pending } });
    assert.match(body, /^\* … and 10 more$/m);
  });
  test('the log line names what it waits for', () => {
    const text = formatCommentForLog(cases.find(([n]) => n === 'building')![1]);
    assert.equal(text, 'acme/shop#42: Preview waiting for the build, app commit 1a2b3c4, build: build, ci/jenkins, deploy-*');
  });
});

describe('formatCommentForLog', () => {
  test('one plain paragraph with the facts', () => {
    const text = formatCommentForLog({ ...base, ...argoState(synced) });
    assert.equal(text, 'acme/shop#42: Preview ready, at https://pv-shop-42-k3j5x7qa.preview.example.com, namespace pv-shop-42-k3j5x7qa, '
      + 'app commit 1a2b3c4, GitOps commit 9f8e7d6, Argo CD Synced/Healthy, expires 2025-01-05T03:04:05.000Z');
  });
  test('refused: every problem, one line', () => {
    const text = formatCommentForLog({ env: ENV, state: 'refused', problems: hostile });
    assert.ok(!text.includes('\n'));
    assert.match(text, /^acme\/shop#42: Preview refused, because: \.github\/preview\.yaml \/env\/.*; \.github\/preview\.yaml \/ttl: ttl 30d/);
  });
});

describe('gitopsWebUrl', () => {
  const table: Array<[string | null, string | null]> = [
    ['https://github.com/platform/gitops.git', 'https://github.com/platform/gitops'],
    ['https://github.com/platform/gitops', 'https://github.com/platform/gitops'],
    ['https://x-access-token:ghs_abc@github.com/platform/gitops.git', 'https://github.com/platform/gitops'],
    ['https://ghe.example.com:8443/platform/gitops.git', 'https://ghe.example.com:8443/platform/gitops'],
    ['https://git.example.com/platform/gitops', null],
    ['https://gitlab.example.com/group/sub/gitops.git', null],
    ['http://127.0.0.1:8080/gitops.git', null],
    ['http://github.com/platform/gitops.git', null],
    ['git@github.com:platform/gitops.git', null],
    ['file:///srv/gitops.git', null],
    ['https://github.com/platform/.git', null],
    ['https://github.com/platform/gitops.git?x=1#frag', 'https://github.com/platform/gitops'],
    ['not a url', null],
    [null, null],
  ];
  test('the history link keeps a branch with slashes and encodes the rest', () => {
    const body = renderComment({ ...base, gitopsBranch: 'env/previews #1' });
    assert.match(body, /\(https:\/\/github\.com\/platform\/gitops\/commits\/env\/previews%20%231\/previews\/acme\/shop\/pr-42\)/);
  });
  for (const [remote, web] of table) test(`${remote} → ${web}`, () => assert.equal(gitopsWebUrl(remote), web));
});
