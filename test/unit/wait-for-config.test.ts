import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { readFile } from 'node:fs/promises';
import { formatProblem, type ConfigProblem } from '../../src/domain/config-problem.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import { findApp } from '../../src/domain/find-app.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { compileWaitFor, effectiveWaitFor, globProblem } from '../../src/domain/wait-for.ts';

const validators = createConfigValidators((await loadAssets()).schemas);

function config(defaults: string, app: string): string {
  return `domain: preview.example.com\n${defaults}apps:\n  - repo: acme/shop\n    base: apps/shop/base\n    images: [ghcr.io/acme/shop]\n${app}`;
}

function paths(problems: readonly ConfigProblem[]): string[] {
  return problems.map((p) => `${p.path}: ${p.message}`);
}

describe('waitFor in previewd.yaml', () => {
  const accepted: Array<[name: string, defaults: string, app: string, expected: ReturnType<typeof effectiveWaitFor>]> = [
    ['none: deploy at once, as before', '', '', null],
    ['on the app, timeout and image defaulted', '', '    waitFor: { checks: [build, "ci / *"] }\n', { checks: ['build', 'ci / *'], timeout: '2h', image: false }],
    ['on the defaults', 'defaults:\n  waitFor: { checks: [build], timeout: 30m }\n', '', { checks: ['build'], timeout: '30m', image: false }],
    ['the app replaces the defaults as a whole', 'defaults:\n  waitFor: { checks: [build], timeout: 30m, image: true }\n', '    waitFor: { checks: [test] }\n', { checks: ['test'], timeout: '2h', image: false }],
    ['an empty one opts the app out of the defaults', 'defaults:\n  waitFor: { checks: [build] }\n', '    waitFor: { checks: [] }\n', null],
    ['the image alone', '', '    waitFor: { image: true, timeout: 1d }\n', { checks: [], timeout: '1d', image: true }],
  ];
  for (const [name, defaults, app, expected] of accepted) {
    test(name, () => {
      const result = loadServiceConfig(config(defaults, app), validators);
      assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
      const registration = findApp(result.value, 'acme', 'shop')!;
      assert.deepEqual(effectiveWaitFor(result.value, registration), expected);
    });
  }

  const refused: Array<[name: string, app: string, expected: string]> = [
    ['an unknown key', '    waitFor: { checks: [build], retries: 3 }\n', '/apps/0/waitFor/retries: unknown setting "retries"'],
    ['checks not a list', '    waitFor: { checks: build }\n', '/apps/0/waitFor/checks: expected array, found "build"'],
    ['an empty name', '    waitFor: { checks: [""] }\n', '/apps/0/waitFor/checks/0: "" must NOT have fewer than 1 characters'],
    ['a name with a newline', '    waitFor: { checks: ["a\\nb"] }\n', '/apps/0/waitFor/checks/0: "a\\nb" is not valid here'],
    ['a bad timeout', '    waitFor: { checks: [build], timeout: 2 hours }\n', '/apps/0/waitFor/timeout: "2 hours" is not valid here'],
    ['a glob that can never match', '    waitFor: { checks: ["ci-{a,b"] }\n', '/apps/0/waitFor/checks/0: "ci-{a,b" is not a usable glob: it can never match a name (check its brackets and braces)'],
    ['a reversed range', '    waitFor: { checks: ["build-[z-a]"] }\n', '/apps/0/waitFor/checks/0: "build-[z-a]" is not a usable glob: it can never match a name (check its brackets and braces)'],
    ['the same name twice', '    waitFor: { checks: [build, build] }\n', '/apps/0/waitFor/checks: items 1 and 0 are the same'],
    ['image not a boolean', '    waitFor: { image: "yes" }\n', '/apps/0/waitFor/image: expected boolean, found "yes"'],
  ];
  for (const [name, app, expected] of refused) {
    test(`refused: ${name}`, () => {
      const result = loadServiceConfig(config('', app), validators);
      assert.ok(!result.ok, 'expected a refusal');
      assert.ok(paths(result.problems).includes(expected), paths(result.problems).join('\n'));
    });
  }

  test('a bad glob in the defaults is found too', () => {
    const result = loadServiceConfig(config('defaults:\n  waitFor: { checks: [ok, "x{a,b"] }\n', ''), validators);
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map((p) => p.path), ['/defaults/waitFor/checks/1']);
  });
});

describe('.github/preview.yaml cannot loosen waitFor', () => {
  const attempts = ['waitFor: { checks: [] }\n', 'waitFor: null\n', 'ttl: 48h\nwaitFor:\n  timeout: 1m\n'];
  for (const text of attempts) {
    test(JSON.stringify(text), () => {
      const result = loadPreviewConfig(text, validators);
      assert.ok(!result.ok, 'a PR must not set waitFor');
      const problem = result.problems.find((p) => p.path === '/waitFor');
      assert.ok(problem, JSON.stringify(result.problems));
      assert.match(problem.message, /trusted policy: only previewd\.yaml/);
      assert.match(problem.accepted, /ask the platform team/);
    });
  }
  test('docs/configuration.md shows the refusal as previewd words it', async () => {
    const markdown = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const result = loadPreviewConfig('waitFor: { checks: [] }\n', validators);
    assert.ok(!result.ok);
    assert.equal(result.problems.length, 1);
    assert.ok(markdown.includes(`  ${formatProblem(result.problems[0]!)}\n`), formatProblem(result.problems[0]!));
  });
  test('other unknown keys keep the usual words', () => {
    const result = loadPreviewConfig('wait: 1\n', validators);
    assert.ok(!result.ok);
    assert.equal(result.problems[0]!.message, 'unknown setting "wait"');
  });
});

describe('waitFor globs', () => {
  const table: Array<[glob: string, name: string, matches: boolean]> = [
    ['build', 'build', true],
    ['build', 'Build', false],
    ['build', 'build (ubuntu, 20)', false],
    ['build *', 'build (ubuntu, 20)', true],
    ['build (ubuntu, 20)', 'build (ubuntu, 20)', true],
    ['ci / *', 'ci / image', true],
    ['ci / *', 'ci / push / image', true],
    ['ci*', 'ci / image', true],
    ['ci / *', 'ci/image', false],
    ['*', '.hidden', true],
    ['!deploy', 'build', false],
    ['!deploy', '!deploy', true],
    ['{build,test}', 'test', true],
    ['test-?', 'test-1', true],
    ['ci/[ab]', 'ci/b', true],
  ];
  for (const [glob, name, matches] of table) {
    test(`${JSON.stringify(glob)} ${matches ? 'matches' : 'does not match'} ${JSON.stringify(name)}`, () => {
      const compiled = compileWaitFor({ checks: [glob], timeout: '2h', image: false });
      assert.equal(compiled.checks[0]!.matches(name), matches);
    });
  }
  test('the timeout in milliseconds', () => {
    assert.equal(compileWaitFor({ checks: [], timeout: '90m', image: true }).timeoutMs, 90 * 60_000);
  });
  test('globProblem: usable globs have none', () => {
    for (const glob of ['build', 'ci / *', '{a,b}', '[abc]', '**']) assert.equal(globProblem(glob), null, glob);
  });
});
