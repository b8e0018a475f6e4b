import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../src/cli/main.ts';

const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const work = await mkdtemp(join(tmpdir(), 'previewd-render-'));
after(() => rm(work, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['render', ...args], {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env: {},
    cwd: work,
  });
  return { code, stdout, stderr };
}

describe('previewd render', () => {
  test('prints the three files with a header each, from the shipped skeleton', async () => {
    const { code, stdout, stderr } = await run(['--repo', 'demo/app', '--pr', '7', '--sha', SHA, '--now', '2025-01-01T00:00:00Z']);
    assert.equal(code, 0, stderr);
    const headers = stdout.split('\n').filter((l) => l.startsWith('==> '));
    assert.deepEqual(headers, [
      '==> previews/demo/app/pr-7/kustomization.yaml <==',
      '==> previews/demo/app/pr-7/namespace.yaml <==',
      '==> previews/demo/app/pr-7/preview.json <==',
    ]);
    assert.match(stdout, new RegExp(`newTag: ${SHA}`));
    assert.match(stdout, /"updatedAt": "2025-01-01T00:00:00.000Z"/);
  });

  test('--out writes the folder; a second render keeps createdAt from the existing preview.json', async () => {
    const out = join(work, 'gitops');
    const first = await run(['--repo', 'demo/app', '--pr', '8', '--sha', SHA, '--out', out, '--now', '2025-01-01T00:00:00Z']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.split('\n').filter((l) => l.startsWith('wrote ')).length, 3);
    // Render again reading that tree as the GitOps repo: needs its previewd.yaml.
    await writeFile(join(out, 'previewd.yaml'), await readFile(new URL('../../gitops-repo-skeleton/previewd.yaml', import.meta.url)));
    const second = await run(['--repo', 'demo/app', '--pr', '8', '--sha', SHA, '--gitops', out, '--out', out, '--now', '2025-01-03T00:00:00Z']);
    assert.equal(second.code, 0, second.stderr);
    const json = JSON.parse(await readFile(join(out, 'previews/demo/app/pr-8/preview.json'), 'utf8'));
    assert.equal(json.createdAt, '2025-01-01T00:00:00.000Z');
    assert.equal(json.updatedAt, '2025-01-03T00:00:00.000Z');
  });

  test('an environment asleep in the GitOps repository renders asleep, as the service would render it', async () => {
    const out = join(work, 'gitops-asleep');
    const first = await run(['--repo', 'demo/app', '--pr', '9', '--sha', SHA, '--out', out, '--now', '2025-01-01T00:00:00Z']);
    assert.equal(first.code, 0, first.stderr);
    await writeFile(join(out, 'previewd.yaml'), await readFile(new URL('../../gitops-repo-skeleton/previewd.yaml', import.meta.url)));
    const file = join(out, 'previews/demo/app/pr-9/preview.json');
    const asleep = { ...JSON.parse(await readFile(file, 'utf8')), sleeping: true, preservedUntil: '2025-02-01T00:00:00.000Z' };
    await writeFile(file, `${JSON.stringify(asleep, null, 2)}\n`);
    const { code, stdout, stderr } = await run(['--repo', 'demo/app', '--pr', '9', '--sha', SHA, '--gitops', out, '--now', '2025-01-02T00:00:00Z']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /"sleeping": true/);
    assert.match(stdout, /"preservedUntil": "2025-02-01T00:00:00.000Z"/);
    assert.match(stdout, /path: \/spec\/replicas\n\s+value: 0/, 'the Deployment is scaled to zero');
  });

  test('policy refusals: file, path and accepted, exit 1, nothing printed', async () => {
    const config = join(work, 'preview.yaml');
    await writeFile(config, 'addons: [kafka]\nreplicas: 9\nenv: { "BAD-NAME": x }\n');
    const schema = await run(['--repo', 'demo/app', '--pr', '1', '--sha', SHA, '--config', config]);
    assert.equal(schema.code, 1);
    assert.equal(schema.stdout, '');
    assert.match(schema.stderr, /\.github\/preview\.yaml \/addons\/0: .*kafka.* \(accepted: one of postgres, mariadb, mongodb, redis, minio\)/);
    // One run says everything: the schema's problem and the policy's, so a fix is not followed by a second list.
    assert.match(schema.stderr, /refused, 3 problem\(s\)/);
    assert.match(schema.stderr, /\.github\/preview\.yaml \/replicas: 9 replicas is above the cap \(accepted: at most 3\)/);
    assert.match(schema.stderr, /\/env\/BAD-NAME: "BAD-NAME" is not an environment variable name/);
    await writeFile(config, 'replicas: 9\nenv: { "BAD-NAME": x }\n');
    const policy = await run(['--repo', 'demo/app', '--pr', '1', '--sha', SHA, '--config', config]);
    assert.equal(policy.code, 1);
    assert.match(policy.stderr, /\.github\/preview\.yaml \/replicas: 9 replicas is above the cap \(accepted: at most 3\)/);
    assert.match(policy.stderr, /\/env\/BAD-NAME: "BAD-NAME" is not an environment variable name/);
  });

  test('an unregistered repository is refused', async () => {
    const { code, stderr } = await run(['--repo', 'acme/shop', '--pr', '1', '--sha', SHA]);
    assert.equal(code, 1);
    assert.match(stderr, /previewd\.yaml \/apps: no app matches acme\/shop/);
  });

  const usage: Array<[string[], RegExp]> = [
    [['--pr', '1', '--sha', SHA], /--repo is required/],
    [['--repo', 'demo', '--pr', '1', '--sha', SHA], /owner\/name/],
    [['--repo', 'demo/app', '--pr', 'x', '--sha', SHA], /--pr must be/],
    [['--repo', 'demo/app', '--pr', '1', '--sha', 'abc'], /--sha must be/],
    [['--repo', 'demo/app', '--pr', '1', '--sha', SHA, '--bogus'], /unknown option --bogus/],
    [['--repo', 'demo/app', '--pr', '1', '--sha', SHA, '--now', 'yesterday'], /--now must be/],
  ];
  for (const [args, message] of usage) {
    test(`usage error: ${args.join(' ')}`, async () => {
      const { code, stderr } = await run(args);
      assert.equal(code, 2);
      assert.match(stderr, message);
      assert.match(stderr, /Usage: previewd render/);
    });
  }
});
