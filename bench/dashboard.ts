import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { pino } from 'pino';
import { openIsomorphicGitStore } from '../src/adapters/git/isomorphic-git-store.ts';
import { buildApp } from '../src/app.ts';
import { envFolder, type EnvRef } from '../src/domain/environment.ts';
import { formatPreviewJson } from '../src/domain/preview-json.ts';
import { createDeliveryLog } from '../src/http/delivery-log.ts';
import type { PreviewApi } from '../src/http/preview-api.ts';
import { createPreviewStatusBook, type PreviewStatus, type PreviewStatusBook } from '../src/reconciler/preview-status-book.ts';
import { createPreviewApi } from '../src/service/create-preview-api.ts';
import { startGitHttpServer } from '../test/helpers/git-http-server.ts';
import { author } from '../test/helpers/store-fixture.ts';
import { createBareRepoWith, spreadEnvironments } from './gitops-fixture.ts';
import { median, percentile, round } from './stats.ts';

const COUNT = 2000;
const ROUNDS = 40;
const WARMUP = 5;
const STATES: PreviewStatus['state'][] = ['ready', 'ready', 'ready', 'deploying', 'committed', 'failed', 'sleeping', 'rolled-back'];

function files(env: EnvRef, i: number): Array<[string, string]> {
  const folder = envFolder(env);
  const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  const preview = {
    id: `${env.repo}-pr-${env.pr}-${env.owner}`, namespace: `pv-${env.repo}-pr-${env.pr}`, repo: `${env.owner}/${env.repo}`, pr: env.pr,
    sha: i.toString(16).padStart(40, 'a'), branch: `feature/change-${i}`, url: `https://pv-${env.repo}-pr-${env.pr}.preview.example.com`,
    author: `dev${i % 37}`, createdAt: at, updatedAt: at, expiresAt: new Date(Date.parse(at) + 72 * 3_600_000).toISOString(), preservedUntil: null,
  };
  return [
    [`${folder}/kustomization.yaml`, `resources:\n  - namespace.yaml\n  - ../../../../apps/${env.repo}/base\n`],
    [`${folder}/namespace.yaml`, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${preview.namespace}\n`],
    [`${folder}/preview.json`, formatPreviewJson(preview)],
  ];
}

// What the reconciler would record for environment i; `round` makes the title new, so its row is too.
function status(env: EnvRef, i: number, round: number, state = STATES[i % STATES.length] as PreviewStatus['state']): PreviewStatus {
  return { env, state, title: `Change number ${i}${round > 0 ? ` (round ${round})` : ''}`, author: `dev${i % 37}`, at: new Date().toISOString(), ...(i % 8 === 5 ? { reason: 'Deployment "app" exceeded its progress deadline' } : {}) };
}

async function dashboardApp(api: PreviewApi): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    webhooks: { secrets: ['bench'], bodyLimit: 1024, deliveries: createDeliveryLog(), handle: () => ({ accepted: true }) },
    health: { readiness: () => ({ ready: true, reasons: [] }) },
    api: { api, adminToken: null },
    dashboard: { api, adminToken: 'bench-admin-token', clusterAccess: false, links: { githubWeb: 'https://github.com', argocdWeb: 'https://argocd.example.com', argocdNamespace: 'argocd' } },
    rateLimit: { max: 1_000_000, timeWindowMs: 60_000 },
  });
  return { url: await app.listen({ host: '127.0.0.1', port: 0 }), close: () => app.close() };
}

interface Figure {
  figure: string;
  url: string;
  /** Done before each request, outside its time. */
  before?: (round: number) => void | Promise<void>;
  /** Checked on every answer: the bench measures the page it says it does. */
  check?: (body: Buffer, round: number) => void;
  wallMs: number[];
  cpuMs: number[];
  bytes: number;
}

// One request: wall time, and this process's CPU time (server and client alike: both are in it), which
// other jobs on the machine disturb far less than the wall clock.
async function request(f: Figure, round: number, url = f.url): Promise<void> {
  await f.before?.(round);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  f.check?.(body, round);
  if (round > 0) {
    f.wallMs.push(wall);
    f.cpuMs.push((used.user + used.system) / 1000);
  }
  f.bytes = body.length;
}

function rows(page: Buffer): number {
  return (page.toString().match(/<tr data-env=/g) ?? []).length;
}

function shows(page: Buffer, text: string): boolean {
  return page.includes(text);
}

/**
 * `npm run bench -- dashboard`: `GET /` with 2,000 environments (a real GitOps clone, a status for each)
 * warm (nothing changed since the last GET), with one environment changed, and cold (every row changed:
 * the row cache serves nothing), beside the JSON list, a bare Fastify route, and a bare route answering
 * the same bytes. Round-robin: each round asks each figure once, so all see the same load; medians of
 * ROUNDS after WARMUP. Then the first GET of fresh instances (the API's caches empty too).
 */
export async function benchDashboard(): Promise<void> {
  const loadBefore = loadavg();
  const work = await mkdtemp(join(tmpdir(), 'previewd-bench-dashboard-'));
  const envs = spreadEnvironments(COUNT);
  const seed: Array<[string, string]> = [['README.md', '# GitOps\n'], ['previewd.yaml', 'domain: preview.example.com\n']];
  envs.forEach((env, i) => seed.push(...files(env, i)));
  await createBareRepoWith(join(work, 'gitops.git'), seed, `Seed ${COUNT} environments`);
  const server = await startGitHttpServer({ root: work });
  const bare = Fastify();
  const closers: Array<() => Promise<void>> = [];
  try {
    const store = await openIsomorphicGitStore({ location: { kind: 'remote', url: server.url('gitops.git'), clone: join(work, 'clone.git'), push: 'thin' }, branch: 'main', author });
    const book = (): PreviewStatusBook => {
      const statuses = createPreviewStatusBook();
      envs.forEach((env, i) => statuses.set(status(env, i, 0)));
      return statuses;
    };
    const statuses = book();
    const api = createPreviewApi({ store, statuses, enqueue: () => true });
    const app = await dashboardApp(api);
    closers.push(app.close);
    // The bytes the last warm GET / answered: the bare route sends exactly those.
    let page: Buffer = Buffer.from(await (await fetch(`${app.url}/`)).arrayBuffer());
    expect(rows(page) === COUNT, `the page does not show ${COUNT} rows`);
    bare.get('/bare', async () => 'ok');
    bare.get('/prebuilt', async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(page));
    const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

    // Round r changes environment one(r) (rounds count from 1 - WARMUP).
    const one = (round: number): number => ((round + WARMUP) * 7919) % COUNT;
    const figure = (name: string, url: string, more: Partial<Figure> = {}): Figure => ({ figure: name, url, wallMs: [], cpuMs: [], bytes: 0, ...more });
    const figures: Figure[] = [
      figure('GET / warm (nothing changed)', `${app.url}/`, {
        check: (body) => {
          expect(rows(body) === COUNT, 'warm: not every row');
          page = body;
        },
      }),
      figure('GET / one environment changed', `${app.url}/`, {
        before: (round) => statuses.set(status(envs[one(round)] as EnvRef, one(round), round + 1000, 'failed')),
        check: (body, round) => expect(shows(body, `Change number ${one(round)} (round ${round + 1000})`), 'one changed: the change is not on the page'),
      }),
      figure(`GET / cold (all ${COUNT} rows changed)`, `${app.url}/`, {
        before: (round) => envs.forEach((env, i) => statuses.set(status(env, i, round + 2000))),
        check: (body, round) => expect(shows(body, `Change number ${COUNT - 1} (round ${round + 2000})`) && rows(body) === COUNT, 'cold: the change is not on the page'),
      }),
      // A new tip: the memo of each folder's newest commit starts over, and every folder's history is
      // walked again down to its last change (here, past the rounds' commits to the seed).
      figure('GET / after a new commit on the branch', `${app.url}/`, {
        before: async (round) => {
          const env = envs[one(round)] as EnvRef;
          const [kustomization, namespace, preview] = files(env, one(round) + COUNT * (round + WARMUP + 1));
          const changes = [kustomization, namespace, preview].map((f) => ({ type: 'write' as const, path: (f as [string, string])[0], content: (f as [string, string])[1] }));
          const result = await store.commit({ env, changes, meta: { action: 'update', sha: 'b'.repeat(40), actor: 'bench' } });
          expect(result.status === 'committed', 'after a commit: nothing was committed');
        },
        check: (body) => expect(rows(body) === COUNT, 'after a commit: not every row'),
      }),
      figure('GET /?q=42 (filtered)', `${app.url}/?q=42`),
      figure('GET /api/previews (JSON)', `${app.url}/api/previews`),
      figure('bare route, the same bytes as GET /', `${bareUrl}/prebuilt`),
      figure('bare Fastify route', `${bareUrl}/bare`),
    ];
    for (let round = 1 - WARMUP; round <= ROUNDS; round++) for (const f of figures) await request(f, round);

    // Cold from the start: a new API (no preview.json, no history read yet) and a new dashboard.
    const fresh = figure('first GET / of a fresh start', '');
    for (let i = 1; i <= 3; i++) {
      const instance = await dashboardApp(createPreviewApi({ store, statuses: book(), enqueue: () => true }));
      closers.push(instance.close);
      await request(fresh, i, `${instance.url}/`);
    }
    report([...figures, fresh], loadBefore, loadavg());
  } finally {
    for (const close of closers) await close();
    await bare.close();
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

function expect(holds: boolean, message: string): void {
  if (!holds) throw new Error(`bench dashboard: ${message}`);
}

function report(figures: readonly Figure[], loadBefore: number[], loadAfter: number[]): void {
  const same = figures.find((f) => f.figure.startsWith('bare route, the same bytes')) as Figure;
  const sameWall = median(same.wallMs);
  const sameCpu = median(same.cpuMs);
  const load = (l: number[]): string => l.map((n) => n.toFixed(2)).join(' ');
  console.log(`\nDashboard, ${COUNT} environments: medians of ${ROUNDS} round-robin rounds after ${WARMUP} of warm-up (fresh start: 3), ${cpus().length} cores, node ${process.version}`);
  console.log(`load average (1, 5, 15 min): ${load(loadBefore)} before, ${load(loadAfter)} after`);
  console.log('figure                                  wall ms    p90 ms  ×same bytes   cpu ms  ×same bytes      bytes');
  for (const f of figures) {
    const wall = median(f.wallMs);
    const cpu = median(f.cpuMs);
    console.log(`${f.figure.padEnd(38)} ${round(wall).toFixed(2).padStart(8)} ${round(percentile(f.wallMs, 90)).toFixed(2).padStart(9)} ${round(wall / sameWall).toFixed(2).padStart(11)}  ${round(cpu).toFixed(2).padStart(7)} ${round(cpu / sameCpu).toFixed(2).padStart(11)} ${String(f.bytes).padStart(10)}`);
  }
  const warm = median(figures[0]?.wallMs ?? []);
  const cold = median(figures[2]?.wallMs ?? []);
  console.log(`GET / with ${COUNT} environments: ${round(warm)} ms warm, ${round(cold)} ms cold, medians (goal: under 300 ms)`);
  for (const f of figures) {
    console.log(JSON.stringify({ bench: 'dashboard', figure: f.figure, median_ms: round(median(f.wallMs)), p90_ms: round(percentile(f.wallMs, 90)), cpu_ms: round(median(f.cpuMs)), bytes: f.bytes, load1: loadAfter[0] }));
  }
}
