import { cpus } from 'node:os';
import { startFeedbackFixture, type FeedbackFixture } from '../test/helpers/feedback-fixture.ts';
import { pullRequestPayload } from '../test/helpers/webhook-examples.ts';
import { median, round } from './stats.ts';

const DEBOUNCE_MS = 1000; // previewd's default: bursts within a second become one comment edit
const sha = (n: number): string => n.toString(16).padStart(40, 'f');

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Application status change → the comment edited on GitHub, measured at the fake GitHub. */
async function latency(f: FeedbackFixture, rounds: number): Promise<number[]> {
  const pr = { owner: 'demo', repo: 'app', pr: 1 };
  await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(1) }));
  await f.until('the refresh', () => f.argo.refreshes() > 0, 20_000);
  const [id = ''] = await f.argo.generate();
  const head = await f.argo.head();
  const body = () => f.github.repo('demo/app').comments(1)[0]?.body ?? '';
  await f.until('the first comment', () => body() !== '', 20_000);
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const before = body();
    const start = performance.now();
    // Alternate between two states that read differently, as a real rollout would.
    if (i % 2 === 0) f.argo.healthy(id, head, 'https://app-1.preview.example.com');
    else f.argo.degraded(id, head, `readiness probe failed (round ${i})`);
    await f.until('the comment edit', () => body() !== before, 20_000);
    out.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 200));
  }
  return out;
}

/** open → ready → push → ready → close for one new PR: the GitHub REST calls previewd makes. */
async function lifecycleCalls(f: FeedbackFixture): Promise<{ calls: number; byOperation: Record<string, number> }> {
  const pr = { owner: 'demo', repo: 'app', pr: 2 };
  const start = f.github.requests.length;
  const comment = () => f.github.repo('demo/app').comments(2)[0]?.body.split('\n')[1] ?? '';
  const settle = () => new Promise((r) => setTimeout(r, DEBOUNCE_MS + 500));
  const ready = async (n: number) => {
    await f.until('the commit on the remote', async () => (await f.remote.remoteFile('previews/demo/app/pr-2/preview.json'))?.includes(sha(n)), 20_000);
    const ids = await f.argo.generate();
    const id = ids.find((x) => x.includes('-pr-2-')) ?? '';
    const head = await f.argo.head();
    f.argo.progressing(id, head);
    await new Promise((r) => setTimeout(r, 300));
    f.argo.healthy(id, head, 'https://app-2.preview.example.com');
    await f.until('ready', () => /Preview ready/.test(comment()), 20_000);
    await settle();
  };
  await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(10) }));
  await ready(10);
  await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(11), action: 'synchronize' }));
  await ready(11);
  await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(11), action: 'closed', merged: true }));
  await f.until('the folder removed', async () => (await f.remote.remoteFile('previews/demo/app/pr-2/preview.json')) === null, 20_000);
  await f.argo.generate();
  await f.until('destroyed', () => /destroyed/i.test(comment()), 20_000);
  await settle();
  const requests = f.github.requests.slice(start);
  const byOperation: Record<string, number> = {};
  for (const r of requests) byOperation[r.operationId ?? `${r.method} ${r.path}`] = (byOperation[r.operationId ?? `${r.method} ${r.path}`] ?? 0) + 1;
  f.github.assertNoViolations();
  return { calls: requests.length, byOperation };
}

/** `npm run bench -- feedback`: how fast and how frugally Argo CD's health reaches the pull request. */
export async function benchFeedback(args: string[]): Promise<void> {
  const rounds = args.includes('--quick') ? 6 : 20;
  const f = await startFeedbackFixture({ reportDebounceMs: DEBOUNCE_MS });
  try {
    const latencies = await latency(f, rounds);
    const lifecycle = await lifecycleCalls(f);
    const med = round(median(latencies), 0);
    const p95 = round(percentile(latencies, 95), 0);
    console.log(`\nArgo CD feedback: ${cpus().length} cores, node ${process.version}, report debounce ${DEBOUNCE_MS} ms, ${rounds} status changes`);
    console.log('figure                          value   goal');
    console.log(`status → comment median ms   ${String(med).padStart(8)}   < 2000 (debounce included)`);
    console.log(`status → comment p95 ms      ${String(p95).padStart(8)}   < 2000`);
    console.log(`GitHub calls, one lifecycle  ${String(lifecycle.calls).padStart(8)}   <= 16 (open → ready → push → ready → close)`);
    for (const [op, n] of Object.entries(lifecycle.byOperation).sort()) console.log(`    ${op.padEnd(40)} ${n}`);
    console.log(JSON.stringify({ bench: 'feedback', figure: 'status-to-comment', median_ms: med, p95_ms: p95, rounds, debounce_ms: DEBOUNCE_MS }));
    console.log(JSON.stringify({ bench: 'feedback', figure: 'lifecycle-calls', calls: lifecycle.calls, goal: 16 }));
  } finally {
    await f.close();
  }
}
