import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { describeSettings } from '../../src/domain/describe-settings.ts';
import { loadSettings, type Settings } from '../../src/domain/load-settings.ts';
import { repoAllowed } from '../../src/domain/repo-allowed.ts';

const { settingsSchema: SCHEMA } = await loadAssets();
const NEW = 'new-webhook-secret-7f3a9c';
const OLD = 'old-webhook-secret-b81e22';
const UNTIL = '2026-12-01T12:00:00+01:00';

function settingsOf(env: Record<string, string>): Settings {
  const loaded = loadSettings(env, SCHEMA, '/srv');
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.problems.join('\n'));
  return loaded.settings;
}

function problemsOf(env: Record<string, string>): string[] {
  const loaded = loadSettings(env, SCHEMA, '/srv');
  assert.equal(loaded.ok, false);
  return loaded.ok ? [] : loaded.problems;
}

describe('WEBHOOK_SECRET_PREVIOUS and its deadline', () => {
  test('read with the deadline as a Date; described without the secret', () => {
    const s = settingsOf({ WEBHOOK_SECRET: NEW, WEBHOOK_SECRET_PREVIOUS: OLD, WEBHOOK_SECRET_PREVIOUS_UNTIL: UNTIL });
    assert.deepEqual(s.webhookSecretPrevious, { secret: OLD, until: new Date('2026-12-01T11:00:00Z') });
    const lines = describeSettings(s).join('\n');
    assert.match(lines, /WEBHOOK_SECRET_PREVIOUS is also accepted until 2026-12-01T11:00:00\.000Z, refused after/);
    assert.ok(!lines.includes(OLD) && !lines.includes(NEW));
  });

  test('absent when not set', () => {
    assert.equal('webhookSecretPrevious' in settingsOf({ WEBHOOK_SECRET: NEW }), false);
  });

  test('every rule broken comes back at once, no secret quoted', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ WEBHOOK_SECRET: NEW, WEBHOOK_SECRET_PREVIOUS: OLD }, /^WEBHOOK_SECRET_PREVIOUS_UNTIL: not set, but WEBHOOK_SECRET_PREVIOUS is/],
      [{ WEBHOOK_SECRET: NEW, WEBHOOK_SECRET_PREVIOUS_UNTIL: UNTIL }, /^WEBHOOK_SECRET_PREVIOUS: not set, but WEBHOOK_SECRET_PREVIOUS_UNTIL is/],
      [{ WEBHOOK_SECRET_PREVIOUS: OLD, WEBHOOK_SECRET_PREVIOUS_UNTIL: UNTIL }, /^WEBHOOK_SECRET: not set, but WEBHOOK_SECRET_PREVIOUS is/],
      [{ WEBHOOK_SECRET: OLD, WEBHOOK_SECRET_PREVIOUS: OLD, WEBHOOK_SECRET_PREVIOUS_UNTIL: UNTIL }, /^WEBHOOK_SECRET_PREVIOUS: the same as WEBHOOK_SECRET/],
    ];
    for (const [env, says] of cases) {
      const problems = problemsOf(env);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', says);
      assert.ok(!problems.join('\n').includes(OLD) && !problems.join('\n').includes(NEW));
    }
    const all = problemsOf({ WEBHOOK_SECRET_PREVIOUS: `${OLD}\n`, WEBHOOK_SECRET_PREVIOUS_UNTIL: 'tomorrow', ALLOWED_REPOS: 'acme' });
    assert.deepEqual(all.map((p) => p.split(':')[0]), ['WEBHOOK_SECRET_PREVIOUS', 'WEBHOOK_SECRET_PREVIOUS_UNTIL', 'ALLOWED_REPOS', 'WEBHOOK_SECRET']);
    assert.ok(!all.join('\n').includes(OLD));
  });
});

describe('ALLOWED_REPOS', () => {
  test('comma-separated globs, spaces around them dropped; described at start', () => {
    const s = settingsOf({ ALLOWED_REPOS: ' acme/*, tools/ci ,Other/web-?' });
    assert.deepEqual(s.allowedRepos, ['acme/*', 'tools/ci', 'Other/web-?']);
    assert.match(describeSettings(settingsOf({ ALLOWED_REPOS: 'acme/*,tools/ci' })).join('\n'), /only those matching ALLOWED_REPOS \(acme\/\*, tools\/ci\)/);
  });

  test('unset: no allowlist (the registry decides alone)', () => {
    assert.equal('allowedRepos' in settingsOf({}), false);
  });
});

describe('repoAllowed', () => {
  test('globs match case-insensitively like the registry; no list allows all', () => {
    const list = ['acme/*', 'tools/ci'];
    assert.equal(repoAllowed(undefined, 'anyone', 'anything'), true);
    assert.equal(repoAllowed(list, 'Acme', 'Shop'), true);
    assert.equal(repoAllowed(list, 'acme', '.github'), true);
    assert.equal(repoAllowed(list, 'tools', 'ci'), true);
    assert.equal(repoAllowed(list, 'tools', 'ci-evil'), false);
    assert.equal(repoAllowed(list, 'acme-evil', 'shop'), false);
    assert.equal(repoAllowed([], 'acme', 'shop'), false);
  });
});
