import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePreviewCommand, previewCommandHelp } from '../../src/domain/parse-preview-command.ts';
import { PREVIEW_COMMAND_DOCS } from '../../src/domain/preview-command-list.ts';
import type { PreviewCommand } from '../../src/domain/preview-command.ts';
import { renderComment } from '../../src/domain/render-comment.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('parsePreviewCommand', () => {
  const commands: Array<[body: string, command: PreviewCommand]> = [
    ['/preview help', { kind: 'help' }],
    ['/preview', { kind: 'help' }],
    ['/preview preserve', { kind: 'preserve', duration: null }],
    ['/preview preserve 48h', { kind: 'preserve', duration: '48h' }],
    ['/preview preserve 7d', { kind: 'preserve', duration: '7d' }],
    ['/preview preserve 30m', { kind: 'preserve', duration: '30m' }],
    ['/preview destroy', { kind: 'destroy' }],
    ['/preview redeploy', { kind: 'redeploy' }],
    ['/preview rollback', { kind: 'rollback', to: null }],
    ['/preview rollback 1a2b3c4', { kind: 'rollback', to: '1a2b3c4' }],
    [`/preview rollback ${SHA}`, { kind: 'rollback', to: SHA }],
    [`/preview rollback ${SHA.toUpperCase()}`, { kind: 'rollback', to: SHA }],
    ['/preview sleep', { kind: 'sleep' }],
    ['/preview wake', { kind: 'wake' }],
    // Phones capitalise; people pad and indent a little; CRLF from Windows browsers.
    ['/Preview Destroy', { kind: 'destroy' }],
    ['/preview preserve 48H', { kind: 'preserve', duration: '48h' }],
    ['   /preview   wake   ', { kind: 'wake' }],
    ['/preview\tsleep', { kind: 'sleep' }],
    ['Thanks!\r\n/preview preserve 7d\r\n', { kind: 'preserve', duration: '7d' }],
    ['LGTM\n\n/preview redeploy\n\nthen merge', { kind: 'redeploy' }],
    // The first command line wins.
    ['/preview sleep\n/preview destroy', { kind: 'sleep' }],
    // Quotes and fenced code are what someone said before, not a new command.
    ['> /preview destroy\n/preview wake', { kind: 'wake' }],
    ['```\n/preview destroy\n```\n/preview wake', { kind: 'wake' }],
    ['~~~~ text\n/preview destroy\n~~~\nstill inside\n~~~~\n/preview wake', { kind: 'wake' }],
    ['````\n```\n/preview destroy\n````\n/preview wake', { kind: 'wake' }],
    // Inline code with backticks is not a fence.
    ['```x` inline\n/preview wake', { kind: 'wake' }],
  ];
  for (const [body, command] of commands) {
    test(`${JSON.stringify(body)} is ${JSON.stringify(command)}`, () => {
      assert.deepEqual(parsePreviewCommand(body), { ok: true, command });
    });
  }

  const none = [
    '',
    'LGTM',
    'please run /preview destroy',
    '> /preview destroy',
    '>/preview destroy',
    '    /preview destroy',
    '\t/preview destroy',
    '```\n/preview destroy\n```',
    '```sh\n/preview destroy',
    '- /preview destroy',
    '`/preview destroy`',
    '/previews destroy',
    '/preview-destroy',
    '/previewdestroy',
    'preview destroy',
  ];
  for (const body of none) {
    test(`${JSON.stringify(body)} holds no command`, () => assert.equal(parsePreviewCommand(body), null));
  }

  const errors: Array<[body: string, pattern: RegExp]> = [
    ['/preview deploy', /`deploy` is not a `\/preview` command\. Accepted: `help`, `preserve \[duration\]`, `destroy`, `redeploy`, `rollback \[commit\]`, `sleep`, `wake`/],
    ['/preview destroy now', /`\/preview destroy` takes no argument, and `now` was given/],
    ['/preview help me', /takes no argument/],
    ['/preview preserve forever', /`forever` is not a duration: write minutes, hours or days/],
    ['/preview preserve 48', /`48` is not a duration/],
    ['/preview preserve 0h', /`0h` is not a duration/],
    ['/preview preserve -1d', /`-1d` is not a duration/],
    ['/preview preserve 48h please', /takes at most one argument/],
    ['/preview rollback HEAD~1', /is not a GitOps commit: give 7 to 40 hexadecimal characters/],
    ['/preview rollback 1a2b3c', /`1a2b3c` is not a GitOps commit/],
    [`/preview rollback ${SHA}0`, /is not a GitOps commit/],
    ['/preview rollback main', /`main` is not a GitOps commit/],
  ];
  for (const [body, pattern] of errors) {
    test(`${JSON.stringify(body)} is refused, saying what is accepted`, () => {
      const result = parsePreviewCommand(body);
      assert.ok(result && !result.ok, JSON.stringify(result));
      assert.match(result.error, pattern);
    });
  }

  test('the comment’s own text in an error is inert Markdown: no mention, link, HTML or code break', () => {
    const result = parsePreviewCommand('/preview @acme/admins [x](https://evil.example) <img src=x> `oops`');
    assert.ok(result && !result.ok);
    assert.doesNotMatch(result.error, /@acme|\[x\]\(|<img|`oops`/);
    const long = parsePreviewCommand(`/preview ${'a'.repeat(5000)}`);
    assert.ok(long && !long.ok);
    assert.ok(long.error.length < 400, `${long.error.length} characters`);
  });

  test('a 64 KB comment with no command is read in one pass', () => {
    const body = `${'text line\n'.repeat(6500)}`;
    assert.equal(parsePreviewCommand(body), null);
  });
});

describe('previewCommandHelp', () => {
  test('lists every command exactly as the PR comment does', () => {
    const help = previewCommandHelp();
    const comment = renderComment({ env: { owner: 'acme', repo: 'shop', pr: 1 }, state: 'pending' });
    for (const doc of PREVIEW_COMMAND_DOCS) {
      const line = `- \`${doc.usage}\`: ${doc.what}`;
      assert.ok(help.includes(`\n${line}\n`), `help lists ${doc.usage}`);
      assert.ok(comment.includes(`\n${line}\n`), `the comment lists ${doc.usage}`);
    }
    assert.deepEqual(PREVIEW_COMMAND_DOCS.map((d) => d.kind), ['help', 'preserve', 'destroy', 'redeploy', 'rollback', 'sleep', 'wake']);
  });

  test('is not itself a command when previewd’s reply comes back as an issue_comment', () => {
    assert.equal(parsePreviewCommand(previewCommandHelp()), null);
    assert.equal(parsePreviewCommand(renderComment({ env: { owner: 'acme', repo: 'shop', pr: 1 }, state: 'ready', url: 'https://x.example' })), null);
  });

  test('every usage it shows parses', () => {
    for (const doc of PREVIEW_COMMAND_DOCS) {
      const example = doc.usage.replace('[duration]', '48h').replace('[commit]', '1a2b3c4');
      const result = parsePreviewCommand(example);
      assert.ok(result?.ok, `${example}: ${JSON.stringify(result)}`);
      assert.equal(result.command.kind, doc.kind);
    }
  });
});
