import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/helpers/free-port.ts';
import { startPreviewdProcess } from '../test/helpers/previewd-process.ts';
import { startRealKube, type RealKube } from '../test/helpers/real-kube.ts';
import { startRealFeedbackFixture, type RealFeedbackFixture } from '../test/helpers/real-kube/real-feedback-fixture.ts';
import { pullRequestPayload } from '../test/helpers/webhook-examples.ts';
import { median, percentile, round } from './stats.ts';

const DEBOUNCE_MS = 1000; // previewd's default
const sha = (n: number): string => n.toString(16).padStart(40, 'c');
const ms = (n: number): string => String(round(n, 0)).padStart(8);

async function poll(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now();
}

/** Application status written on the real API server → the comment edited, and → a new commit status, at the GitHub fake. */
async function statusToReport(f: RealFeedbackFixture, rounds: number): Promise<{ comment: number[]; status: number[]; id: string }> {
  const repo = f.github.repo('demo/app');
  await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 1, sha: sha(1) }));
  await poll('the commit', async () => Boolean((await f.remote.remoteFile('previews/demo/app/pr-1/preview.json'))?.includes(sha(1))));
  const [id = ''] = await f.argo.generate();
  const head = await f.argo.head();
  const body = () => repo.comments(1)[0]?.body ?? '';
  await poll('the first comment', () => body() !== '');
  const comment: number[] = [];
  const status: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const [before, statuses] = [body(), repo.commitStatuses(sha(1)).length];
    const start = performance.now();
    // Alternate between two outcomes, each of which edits the comment and posts a commit status.
    if (i % 2 === 0) await f.argo.healthy(id, head, 'https://app-1.preview.example.com');
    else await f.argo.degraded(id, head, `readiness probe failed (round ${i})`);
    const [edited, posted] = await Promise.all([poll('the comment edit', () => body() !== before), poll('the commit status', () => repo.commitStatuses(sha(1)).length > statuses)]);
    comment.push(edited - start);
    status.push(posted - start);
    await new Promise((r) => setTimeout(r, 300));
  }
  return { comment, status, id };
}

/** The API server killed for `downMs`, started again: from its /readyz 200 to previewd's live state showing a change made then. */
async function afterOutage(kube: RealKube, f: RealFeedbackFixture, id: string, downMs: number): Promise<{ seen: number; comment: number }> {
  const head = await f.argo.head();
  const state = async () => ((await (await fetch(`${f.service.url}/api/previews/demo/app/1`)).json()) as { state: string }).state;
  await f.argo.healthy(id, head, 'https://app-1.preview.example.com');
  await poll('ready before the outage', async () => (await state()) === 'ready');
  await kube.stopServer();
  await new Promise((r) => setTimeout(r, downMs));
  await kube.startServer();
  const back = performance.now();
  const before = f.github.repo('demo/app').comments(1)[0]?.body ?? '';
  await f.argo.degraded(id, head, 'after the outage');
  const seen = await poll('the change seen', async () => (await state()) === 'failed');
  const comment = await poll('the comment', () => (f.github.repo('demo/app').comments(1)[0]?.body ?? '') !== before);
  return { seen: seen - back, comment: comment - back };
}

/** SIGTERM → exit of a `previewd serve` with its watch open on the real server, beside one with no cluster. */
async function sigtermToExit(kube: RealKube, rounds: number): Promise<{ watch: number[]; none: number[] }> {
  const out = { watch: [] as number[], none: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    for (const mode of ['watch', 'none'] as const) {
      const dir = await mkdtemp(join(tmpdir(), 'previewd-bench-kube-'));
      const env: Record<string, string> = { PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), WEBHOOK_SECRET: 'bench-secret', LOG_LEVEL: 'warn' };
      if (mode === 'watch') env.KUBECONFIG = await kube.writeKubeconfig(dir, 'previewd');
      const p = await startPreviewdProcess(env, dir, 60_000);
      try {
        await poll('/readyz 200 (the watch listed)', async () => (await fetch(`${p.url}/readyz`)).ok);
        // The watch is opened just after the list: give it a moment to be open.
        await new Promise((r) => setTimeout(r, 1000));
        const start = performance.now();
        const code = await p.stop(90_000);
        if (code !== 0) throw new Error(`previewd exited ${String(code)}:\n${p.log().slice(-2000)}`);
        out[mode].push(performance.now() - start);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
  return out;
}

/**
 * `npm run bench -- kube [--quick]`: issue 12's figures from a real kube-apiserver v1.20.2 + etcd
 * (scripts/kube-apiserver.sh): status change → PR comment and commit status; an outage's end → the
 * first change seen; SIGTERM → exit with the watch open.
 */
export async function benchKube(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const rounds = quick ? 6 : 20;
  const downMs = quick ? 5000 : 20_000;
  const started = await startRealKube();
  if (!started.ok) throw new Error(started.skip);
  const { kube } = started;
  try {
    const f = await startRealFeedbackFixture(kube, { reportDebounceMs: DEBOUNCE_MS });
    let report: Awaited<ReturnType<typeof statusToReport>>;
    let outage: Awaited<ReturnType<typeof afterOutage>>;
    try {
      report = await statusToReport(f, rounds);
      outage = await afterOutage(kube, f, report.id, downMs);
    } finally {
      await f.close();
    }
    const stop = await sigtermToExit(kube, quick ? 2 : 5);
    console.log(`\nReal kube-apiserver v1.20.2: ${cpus().length} cores, node ${process.version}, report debounce ${DEBOUNCE_MS} ms`);
    console.log('figure                                            median      p95   goal');
    console.log(`status → comment edited, ${rounds} changes (ms)        ${ms(median(report.comment))} ${ms(percentile(report.comment, 95))}   p95 < 2000`);
    console.log(`status → commit status, ${rounds} changes (ms)         ${ms(median(report.status))} ${ms(percentile(report.status, 95))}   p95 < 2000`);
    console.log(`server back after ${downMs / 1000} s down → change seen (ms)     ${ms(outage.seen)}          < 5000`);
    console.log(`server back → the comment says it (ms)            ${ms(outage.comment)}`);
    console.log(`SIGTERM → exit, watch open (ms)                   ${ms(median(stop.watch))} ${ms(Math.max(...stop.watch))}   < 5000 (max shown)`);
    console.log(`SIGTERM → exit, no cluster (ms)                   ${ms(median(stop.none))} ${ms(Math.max(...stop.none))}   ratio ${round(median(stop.watch) / median(stop.none), 2)}`);
    console.log(JSON.stringify({
      bench: 'kube', rounds, debounce_ms: DEBOUNCE_MS, down_ms: downMs,
      comment_median_ms: round(median(report.comment), 0), comment_p95_ms: round(percentile(report.comment, 95), 0),
      status_median_ms: round(median(report.status), 0), status_p95_ms: round(percentile(report.status, 95), 0),
      outage_seen_ms: round(outage.seen, 0), outage_comment_ms: round(outage.comment, 0),
      sigterm_watch_median_ms: round(median(stop.watch), 0), sigterm_none_median_ms: round(median(stop.none), 0),
    }));
  } finally {
    await kube.close();
  }
}
