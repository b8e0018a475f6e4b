import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './http-load.ts';
import { startBareServer, startBenchServer, type ServerProcess } from './service-process.ts';
import { median, round } from './stats.ts';
import { headSha, paddedPayload, signedRequest } from './webhook-requests.ts';

const SECRET = 'bench: the inbox secret';
const CONCURRENCY = 16;

interface Side {
  name: string;
  server: ServerProcess;
  rps: number[];
  p50: number[];
  not202: number;
}

/**
 * `npm run bench -- inbox [--quick]`: accepted webhook deliveries per second through previewd's route
 * with the durable journal (each 202 after its append is fsynced, syncs shared by concurrent deliveries),
 * beside the same route with no inbox and a bare Fastify route that only parses the JSON. Each server is
 * its own process; rounds are interleaved (the order rotates), the figures are medians of the rounds.
 */
export async function benchInbox(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const rounds = quick ? 3 : 7;
  const roundMs = quick ? 1000 : 2000;
  const work = await mkdtemp(join(tmpdir(), 'previewd-bench-inbox-'));
  const sides: Side[] = [];
  try {
    const body = paddedPayload({ owner: 'demo', repo: 'app', pr: 1, sha: headSha(1), author: 'alice' });
    const bare = await startBareServer(work);
    const memory = await startBenchServer('bench/inbox-server.ts', ['memory', work, SECRET], work);
    const journal = await startBenchServer('bench/inbox-server.ts', ['journal', work, SECRET], work);
    sides.push({ name: 'bare route', server: bare, rps: [], p50: [], not202: 0 }, { name: 'route, no inbox', server: memory, rps: [], p50: [], not202: 0 }, { name: 'route + journal', server: journal, rps: [], p50: [], not202: 0 });
    const load = async (side: Side, ms: number, record: boolean) => {
      const { hostname, port } = new URL(side.server.url);
      const request = await signedRequest(`${hostname}:${port}`, SECRET, 'pull_request', body);
      const run = randomUUID();
      const result = await runLoad({ host: hostname, port: Number(port), concurrency: CONCURRENCY, durationMs: ms, request: (i) => request.withDelivery(`${run}-${i}`) });
      if (!record) return;
      const ok = result.statuses.get(202) ?? 0;
      side.not202 += result.completed - ok;
      side.rps.push((ok * 1000) / result.elapsedMs);
      side.p50.push(median(result.latenciesMs));
    };
    for (const side of sides) await load(side, 500, false);
    for (let r = 0; r < rounds; r++) {
      const order = [...sides.slice(r % sides.length), ...sides.slice(0, r % sides.length)];
      for (const side of order) await load(side, roundMs, true);
    }
    const journalBytes = (await stat(join(work, 'inbox.journal'))).size;
    const [b, m, j] = sides.map((s) => ({ ...s, rps: median(s.rps), p50: median(s.p50) }));
    if (!b || !m || !j) throw new Error('missing a side');
    console.log(`\ninbox: ${rounds} interleaved rounds of ${roundMs} ms per server, ${CONCURRENCY} connections, ${Buffer.byteLength(body)} B pull_request payloads; load average ${loadavg().map((l) => round(l)).join(' ')}`);
    console.log('server              accepted/s (median)   p50 ms   answers not 202');
    for (const s of [b, m, j]) console.log(`${s.name.padEnd(20)}${String(round(s.rps, 0)).padStart(10)}           ${String(round(s.p50)).padStart(6)}   ${s.not202}`);
    console.log(`ratio journal / bare route: ${round(j.rps / b.rps)}; journal / route without inbox: ${round(j.rps / m.rps)}; journal ${round(journalBytes / 1024 / 1024, 1)} MiB after the run`);
    if (j.not202 > 0) throw new Error(`${j.not202} deliveries to the journal route were not answered 202`);
  } finally {
    for (const side of sides) await side.server.stop(5000);
    await rm(work, { recursive: true, force: true });
  }
}
