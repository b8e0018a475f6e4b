import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { argoCdPushEvent, repositoryWebUrl } from '../../src/domain/argocd-push-event.ts';
import { payloadTypeProblems, webUrlMatcher } from '../helpers/argocd-webhook-receiver.ts';

const author = { name: 'previewd', email: 'previewd@localhost' };
const now = new Date('2026-12-04T18:00:00Z');
const commits = [
  { env: { owner: 'Acme', repo: 'Shop', pr: 7 }, commit: 'a'.repeat(40), subject: 'preview(acme/shop#7): create at 1a2b3c4' },
  { env: { owner: 'acme', repo: 'web', pr: 2 }, commit: 'b'.repeat(40), subject: 'preview(acme/web#2): update to 5d6e7f8' },
];

describe('repositoryWebUrl: GITOPS_REPO_URL as GitHub names the repository in html_url', () => {
  for (const [given, web] of [
    ['https://git.example.com/platform/gitops.git', 'https://git.example.com/platform/gitops'],
    ['https://git.example.com/platform/gitops', 'https://git.example.com/platform/gitops'],
    ['https://git.example.com/platform/gitops.git/', 'https://git.example.com/platform/gitops'],
    ['http://127.0.0.1:8080/gitops.git?x=1#y', 'http://127.0.0.1:8080/gitops'],
    ['https://bot:token@git.example.com/platform/gitops.git', 'https://git.example.com/platform/gitops'],
  ] as const) {
    test(given, () => assert.equal(repositoryWebUrl(given), web));
  }

  test('Argo CD\'s match from that URL finds the repoURLs an Application may carry, and no other repository', () => {
    const match = webUrlMatcher(repositoryWebUrl('https://git.example.com/platform/gitops.git'));
    for (const same of ['https://git.example.com/platform/gitops.git', 'https://git.example.com/platform/gitops', 'git@git.example.com:platform/gitops.git', 'ssh://git@git.example.com:22/platform/gitops', 'HTTPS://GIT.EXAMPLE.COM/Platform/GitOps.git']) {
      assert.ok(match.test(same), same);
    }
    for (const other of ['https://git.example.com/platform/gitops-old.git', 'https://git.example.com/other/gitops.git', 'https://evil.example.com/platform/gitops.git']) {
      assert.ok(!match.test(other), other);
    }
  });
});

describe('argoCdPushEvent: what Argo CD reads from a GitHub push', () => {
  const event = argoCdPushEvent({ repoUrl: 'https://bot:tok@git.example.com/platform/gitops.git', branch: 'previews/prod', commits, author, now }) as {
    ref: string; after: string; before: string; commits: Array<{ id: string; modified: string[]; message: string }>; head_commit: { id: string };
    repository: { html_url: string; clone_url: string; full_name: string; name: string; default_branch: string; owner: { login: string } };
  };

  test('the branch as refs/heads/<branch>, the new tip in after, the repository without credentials', () => {
    assert.equal(event.ref, 'refs/heads/previews/prod');
    assert.equal(event.after, 'b'.repeat(40));
    assert.equal(event.head_commit.id, 'b'.repeat(40));
    assert.equal(event.before, '', 'the old tip is not known: left empty, as Argo CD then skips its cache step');
    assert.equal(event.repository.html_url, 'https://git.example.com/platform/gitops');
    assert.equal(event.repository.clone_url, 'https://git.example.com/platform/gitops.git');
    assert.deepEqual([event.repository.owner.login, event.repository.name, event.repository.full_name], ['platform', 'gitops', 'platform/gitops']);
    assert.equal(event.repository.default_branch, 'previews/prod');
    assert.ok(!JSON.stringify(event).includes('tok@'));
  });

  test('one commit per published commit, its environment\'s folder as the modified path', () => {
    assert.deepEqual(event.commits.map((c) => [c.id, c.modified, c.message]), [
      ['a'.repeat(40), ['previews/acme/shop/pr-7'], commits[0]?.subject],
      ['b'.repeat(40), ['previews/acme/web/pr-2'], commits[1]?.subject],
    ]);
  });

  test('every field has the type of GitHub\'s push payload as Argo CD decodes it', () => {
    const PUSH: Parameters<typeof payloadTypeProblems>[1] = {
      ref: 'string', before: 'string', after: 'string', created: 'bool', deleted: 'bool', forced: 'bool', compare: 'string',
      commits: [{ id: 'string', distinct: 'bool', message: 'string', timestamp: 'string', added: 'strings', removed: 'strings', modified: 'strings', author: { name: 'string', email: 'string', username: 'string' } }],
      repository: { name: 'string', full_name: 'string', private: 'bool', html_url: 'string', default_branch: 'string', owner: { login: 'string' } },
    };
    assert.deepEqual(payloadTypeProblems(event, PUSH), []);
    assert.deepEqual(payloadTypeProblems({ ...event, repository: { ...event.repository, private: 'yes' } }, PUSH), ['.repository.private: not a bool'], 'the check can fail');
  });
});
