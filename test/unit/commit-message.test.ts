import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actionOf, buildCommitMessage, parseCommitMessage, type CommitMeta } from '../../src/domain/commit-message.ts';

const env = { owner: 'acme', repo: 'shop', pr: 42 };
const full = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

describe('commit messages', () => {
  test('the DESIGN.md example, exactly', () => {
    const meta: CommitMeta = { action: 'update', id: 'shop-pr-42-acme', sha: full, actor: 'octocat', delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958', repoUrl: 'https://github.com/acme/shop' };
    assert.equal(buildCommitMessage(env, meta), [
      'preview(acme/shop#42): update to 1a2b3c4',
      '',
      'Preview-Id: shop-pr-42-acme',
      'Preview-Action: update',
      'Preview-Repo: acme/shop',
      'Preview-PR: 42',
      `Preview-Sha: ${full}`,
      'Preview-Actor: octocat',
      'Preview-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958',
      `Argocd-reference-commit-sha: ${full}`,
      'Argocd-reference-commit-repourl: https://github.com/acme/shop',
      '',
    ].join('\n'));
  });

  const subjects: Array<[CommitMeta, string]> = [
    [{ action: 'create', sha: full, actor: 'a' }, 'preview(acme/shop#42): create at 1a2b3c4'],
    [{ action: 'destroy', actor: 'a' }, 'preview(acme/shop#42): destroy'],
    [{ action: 'rollback', target: full, actor: 'a' }, 'preview(acme/shop#42): rollback to 1a2b3c4'],
    [{ action: 'rollback', target: full, reverts: 'f'.repeat(40), actor: 'a' }, 'preview(acme/shop#42): revert fffffff'],
    [{ action: 'preserve', target: '2026-11-24T00:00:00Z', actor: 'a' }, 'preview(acme/shop#42): preserve until 2026-11-24T00:00:00Z'],
    [{ action: 'sleep', actor: 'a' }, 'preview(acme/shop#42): sleep'],
  ];
  for (const [meta, subject] of subjects) {
    test(`subject for ${meta.action}${meta.reverts ? ' (a revert)' : ''}`, () => assert.equal(parseCommitMessage(buildCommitMessage(env, meta)).subject, subject));
  }

  test('a hostile actor cannot add a trailer or a line', () => {
    const message = buildCommitMessage(env, { action: 'update', actor: 'mallory\nPreview-Action: destroy\r\n\nX', reason: 'because\n\nPreview-Actor: eve' });
    const parsed = parseCommitMessage(message);
    assert.equal(parsed.trailers.get('Preview-Action'), 'update');
    assert.equal(parsed.trailers.get('Preview-Actor'), 'mallory Preview-Action: destroy X');
    assert.equal(message.split('\n\n').length, 3, 'subject, reason, trailers');
  });

  test('round trip: parse what build wrote; a message without trailers is manual', () => {
    const parsed = parseCommitMessage(buildCommitMessage(env, { action: 'expire', actor: 'previewd', reason: 'TTL of 72h passed' }));
    assert.equal(actionOf(parsed), 'expire');
    assert.equal(parsed.trailers.get('Preview-PR'), '42');
    assert.equal(actionOf(parseCommitMessage('Revert "preview(acme/shop#42): update"\n\nThis reverts commit abc.\n')), 'manual');
    assert.equal(actionOf(parseCommitMessage('hand edit\n\nPreview-Action: nonsense\n')), 'manual');
  });
});
