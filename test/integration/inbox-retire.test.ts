import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inboxJournalPath, openJournalInbox } from '../../src/adapters/inbox/journal-inbox.ts';
import { freePort } from '../helpers/free-port.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../helpers/gitops-remote.ts';
import { deliverTo, startPreviewdProcess, type PreviewdProcess } from '../helpers/previewd-process.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const SECRET = 'inbox-retire-secret';
const sha = (pr: number) => `${pr}`.padStart(40, 'c');

/** The deliveries whose inbox entries are not retired (the journal read as the next start reads it). */
async function unretired(dataDir: string): Promise<string[]> {
  const inbox = await openJournalInbox({ path: inboxJournalPath(dataDir) });
  try {
    return inbox.unretired().map((e) => e.delivery).sort();
  } finally {
    await inbox.close();
  }
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const creates = async (remote: GitOpsRemote, pr: number) =>
  (await git(remote.bare, ['log', '--format=%s', 'main', '--', `previews/demo/app/pr-${pr}`])).split('\n').filter((s) => /: create\b/.test(s)).length;

describe('the inbox retires an event by its id once its work is published', () => {
  test('an event whose push fails stays in the journal and is replayed after kill -9; a published one is not', { timeout: 60_000 }, async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'previewd-retire-'));
    let refusePushes = false;
    const remote = await createGitOpsRemote(skeletonFiles(), {
      beforeRequest: async (method, path) => {
        // An HTTP 500 to every push: transient, retried with backoff, the commit kept in the clone.
        if (refusePushes && method === 'POST' && path.endsWith('/git-receive-pack')) throw new Error('the remote is failing');
      },
    });
    let proc: PreviewdProcess | undefined;
    try {
      const env = { PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(cwd, 'data'), WEBHOOK_SECRET: SECRET, GITOPS_REPO_URL: remote.url, LOG_LEVEL: 'info' };
      proc = await startPreviewdProcess(env, cwd);
      const deliver = async (pr: number) => {
        const answer = await deliverTo(proc?.url ?? '', SECRET, 'pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr), author: 'alice' }), `open-${pr}`);
        assert.deepEqual(answer, { status: 202 });
      };
      await deliver(1);
      await until('pr-1 on the remote', () => remote.remoteFile('previews/demo/app/pr-1/preview.json'), 30_000);
      refusePushes = true;
      await deliver(2);
      // Committed in the clone, and its push refused at least once.
      await until('a refused push of pr-2', async () => /publishing to the GitOps remote failed; retrying/.test(proc?.log() ?? ''), 30_000);
      await proc.kill9();
      assert.equal(await remote.remoteFile('previews/demo/app/pr-2/preview.json'), null, 'pr-2 never reached the remote');
      assert.deepEqual(await unretired(env.DATA_DIR), ['open-2'], `only the unpublished event is left in the journal: pr-1 was retired when it landed\n${proc.log().slice(-3000)}`);

      refusePushes = false;
      proc = await startPreviewdProcess(env, cwd);
      await until('pr-2 on the remote', () => remote.remoteFile('previews/demo/app/pr-2/preview.json'), 30_000);
      assert.match(proc.log(), /"events":1,.*replayed the accepted events/, 'one event replayed: pr-2, not pr-1');
      assert.equal(await proc.stop(), 0, proc.log().slice(-3000));
      proc = undefined;
      assert.deepEqual(await unretired(env.DATA_DIR), [], 'settled after the restart: retired');
      assert.equal(await creates(remote, 1), 1, 'pr-1 created once');
      assert.equal(await creates(remote, 2), 1, 'pr-2 created once (the replay found its commit already made)');
      await remote.fsck();
    } finally {
      proc?.child.kill('SIGKILL');
      await remote.close();
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
