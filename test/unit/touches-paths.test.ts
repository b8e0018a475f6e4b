import assert from 'node:assert/strict';
import { test } from 'node:test';
import { touchesPaths } from '../../src/domain/touches-paths.ts';

test('paths decide which PRs get a preview', () => {
  const cases: Array<[paths: string[] | null, files: string[], expected: boolean]> = [
    [null, [], true],
    [null, ['docs/a.md'], true],
    [['src/**'], ['src/a/b.ts'], true],
    [['src/**'], ['docs/a.md'], false],
    [['src/**', 'package.json'], ['docs/a.md', 'package.json'], true],
    [['src/**'], [], false],
    [['**'], ['.github/workflows/ci.yml'], true],
    [['*.ts'], ['src/a.ts'], false],
  ];
  for (const [paths, files, expected] of cases) assert.equal(touchesPaths(paths, files), expected, `${JSON.stringify(paths)} ${JSON.stringify(files)}`);
});
