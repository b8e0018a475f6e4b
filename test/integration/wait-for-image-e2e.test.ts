import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { git } from '../helpers/git-cli.ts';
import { startFeedbackFixture, type FeedbackFixture } from '../helpers/feedback-fixture.ts';
import { startRegistry, type RegistryServer } from '../helpers/registry-server.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

// `waitFor: { image: true }` end to end: previewd serve's wiring, the real git http-backend remote, the
// GitHub fake, and Debian's docker-registry on loopback behind htpasswd, with REGISTRY_CREDENTIALS set.
// A registry sends no event for a pushed tag: previewd looks again until the tag is there.
const SHA = 'f'.repeat(8) + '0123456789abcdef0123456789abcdef';

describe('waitFor: { image: true } against a real docker-registry', () => {
  let registry: RegistryServer;
  let f: FeedbackFixture;
  const lines: string[] = [];
  before(async () => {
    registry = await startRegistry('htpasswd');
    const apps = [
      'apps:', '  - repo: demo/image', '    name: image', '    base: apps/demo/base', `    images: [${registry.host}/demo/image]`, '    tagFormat: "{sha}"', '    port: 8080',
      '    waitFor: { checks: [], image: true, timeout: 10m }',
    ].join('\n');
    const credentials = JSON.stringify({ auths: { [registry.host]: { username: registry.user.username, password: registry.user.password } } });
    f = await startFeedbackFixture({
      registry: `${(skeletonFiles()['previewd.yaml'] ?? '').split('apps:')[0]}${apps}\n`,
      env: { REGISTRY_CREDENTIALS: credentials },
      imageRecheck: { baseMs: 300, maxMs: 1000 },
      log: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }),
    });
  });
  after(async () => {
    await f.close();
    await registry.close();
  });

  test('a tag that appears 3 s later: nothing deployed before, deployed after it appears; the credentials never in a log', { timeout: 60_000 }, async () => {
    const folder = 'previews/demo/image/pr-1';
    const subjects = async () => {
      const out = await git(f.remote.bare, ['log', '--format=%s', 'main', '--', folder]);
      return out === '' ? [] : out.split('\n');
    };
    const comment = () => f.github.repo('demo/image').comments(1)[0]?.body ?? '';
    f.github.repo('demo/image').setPull(1, { headSha: SHA });
    assert.equal((await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'image', pr: 1, sha: SHA }))).status, 202);
    const waiting = await f.until('the comment waiting for the image', () => /Preview waiting for the build/.test(comment()) ? comment() : undefined);
    assert.match(waiting, new RegExp(`image \\*\\*${registry.host.replace(/\./g, '\\.')}/demo/image:${SHA}\\*\\*: the tag is not in the registry yet`));
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(await subjects(), [], 'nothing committed before the tag exists');
    await registry.push('demo/image', SHA);
    await f.until('the create commit once the tag is there', async () => (await subjects()).length > 0, 40_000);
    await f.service.reconciler.idle();
    assert.deepEqual(await subjects(), [`preview(demo/image#1): create at ${SHA.slice(0, 7)}`]);
    await f.until('the comment leaves the wait', () => /Preview (committed|deploying)/.test(comment().split('\n')[1] ?? ''));
    const basic = Buffer.from(`${registry.user.username}:${registry.user.password}`).toString('base64');
    assert.ok(lines.length > 0);
    for (const text of [...lines, registry.output()]) {
      assert.ok(!text.includes(registry.user.password), 'the registry password is in a log');
      assert.ok(!text.includes(basic), 'the basic credentials are in a log');
    }
    assert.ok(lines.some((l) => l.includes('"status":404')), 'the lookups are logged (by status, without credentials)');
    f.github.assertNoViolations();
  });
});
