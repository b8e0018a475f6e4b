import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { git } from '../helpers/git-cli.ts';
import { assertRemoteConverged } from '../helpers/gitops-assertions.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../helpers/gitops-remote.ts';
import { deliverTo, startPreviewdProcess, type PreviewdProcess } from '../helpers/previewd-process.ts';
import { canMount, mountSmallTmpfs, type SmallTmpfs } from '../helpers/small-tmpfs.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { githubHeaders, pullRequestPayload } from '../helpers/webhook-examples.ts';

const SECRET = 'faults-data-dir-secret';
const sha = (pr: number) => `f${pr.toString(16).padStart(39, '0')}`;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** previewd serve with DATA_DIR (clone and journal) on a small tmpfs that fills or turns read-only. */
describe('DATA_DIR full or read-only under the real service', { skip: canMount() ? false : 'needs root to mount a small tmpfs' }, () => {
  let disk: SmallTmpfs;
  let remote: GitOpsRemote;
  let cwd: string;
  let proc: PreviewdProcess;
  const accepted = new Set<number>();
  before(async () => {
    disk = await mountSmallTmpfs('16m');
    cwd = await mkdtemp(join(tmpdir(), 'previewd-data-dir-'));
    const files = skeletonFiles();
    files['previewd.yaml'] = (files['previewd.yaml'] ?? '').replace('maxPreviews: 20', 'maxPreviews: 1000');
    remote = await createGitOpsRemote(files);
    const env = { PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(disk.dir, 'data'), WEBHOOK_SECRET: SECRET, GITOPS_REPO_URL: remote.url, LOG_LEVEL: 'warn' };
    proc = await startPreviewdProcess(env, cwd);
  });
  after(async () => {
    proc?.child.kill('SIGKILL');
    await proc?.exited;
    await remote?.close();
    await disk?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  const deliver = async (pr: number) => {
    const body = pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr), author: 'alice' });
    const answer = await deliverTo(proc.url, SECRET, 'pull_request', body, `open-${pr}`);
    assert.ok('status' in answer, `an answer, not ${JSON.stringify(answer)}`);
    if (answer.status === 202) accepted.add(pr);
    return answer.status;
  };
  const readyz = async () => {
    const response = await fetch(`${proc.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: await response.text() };
  };
  const environments = async () => {
    const listing = await git(remote.bare, ['ls-tree', '-r', '--name-only', 'main', 'previews/demo/app']).catch(() => '');
    return new Set([...listing.matchAll(/pr-(\d+)\/preview\.json/g)].map((m) => Number(m[1])));
  };

  async function refusedWhile(pr: number, reason: RegExp): Promise<void> {
    // The journal's last page may still have room: deliveries fit until it is used up (bounded).
    let status = await deliver(pr);
    for (let fit = 1; status === 202 && fit <= 60; fit++) status = await deliver(pr + fit);
    assert.equal(status, 503, 'refused once the disk takes nothing');
    // One more, read whole: what the sender is told.
    const body = pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr), author: 'alice' });
    const response = await fetch(`${proc.url}/webhooks/github`, { method: 'POST', body: JSON.stringify(body), headers: await githubHeaders(SECRET, JSON.stringify(body), 'pull_request', `again-${pr}`) });
    const answer = (await response.json()) as { error: string; message: string };
    assert.equal(response.status, 503);
    assert.equal(answer.error, 'not_durable');
    assert.match(answer.message, reason);
    assert.match(answer.message, /Redeliver it/);
    const ready = await until('/readyz not ready', async () => {
      const r = await readyz();
      return r.status === 503 && reason.test(r.body) ? r : undefined;
    }, 15_000);
    assert.match(ready.body, /cannot be made durable/);
  }

  test('a full DATA_DIR: 503 not_durable saying ENOSPC and /readyz why; freed, every accepted event lands and the refused ones are taken', { timeout: 60_000 }, async () => {
    for (const pr of [1, 2, 3]) assert.equal(await deliver(pr), 202);
    await until('the first environments', async () => (await environments()).size === 3, 30_000);
    await disk.fill();
    try {
      await refusedWhile(10, /ENOSPC/);
    } finally {
      await disk.free();
    }
    await until('/readyz ready once freed', async () => (await readyz()).status === 200, 30_000);
    for (const pr of [10, 11, 12]) if (!accepted.has(pr)) assert.equal(await deliver(pr), 202, 'a redelivery of a refused event is taken as new');
    await until('every accepted event on the remote', async () => {
      const made = await environments();
      return [...accepted].every((pr) => made.has(pr));
    }, 45_000);
  });

  test('a read-only DATA_DIR: 503 not_durable saying EROFS; writable again, every accepted event lands, one create each, fsck clean', { timeout: 60_000 }, async () => {
    await disk.readOnly(true);
    try {
      await refusedWhile(20, /EROFS/);
    } finally {
      await disk.readOnly(false);
    }
    await until('/readyz ready once writable', async () => (await readyz()).status === 200, 30_000);
    for (const pr of [20, 21]) if (!accepted.has(pr)) assert.equal(await deliver(pr), 202);
    await until('every accepted event on the remote', async () => {
      const made = await environments();
      return [...accepted].every((pr) => made.has(pr));
    }, 45_000);
    assert.deepEqual([...await environments()].sort((a, b) => a - b), [...accepted].sort((a, b) => a - b));
    await assertRemoteConverged(remote, { owner: 'demo', repo: 'app', open: new Map([...accepted].map((pr) => [pr, sha(pr)])) });
  });
});
