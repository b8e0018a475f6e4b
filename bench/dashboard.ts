import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { pino } from 'pino';
import { openIsomorphicGitStore } from '../src/adapters/git/isomorphic-git-store.ts';
import { buildApp } from '../src/app.ts';
import { envFolder, type EnvRef } from '../src/domain/environment.ts';
import { formatPreviewJson } from '../src/domain/preview-json.ts';
import { createDeliveryLog } from '../src/http/delivery-log.ts';
import { createPreviewStatusBook, type PreviewStatus } from '../src/reconciler/preview-status-book.ts';
import { createPreviewApi } from '../src/service/create-preview-api.ts';
import { startGitHttpServer } from '../test/helpers/git-http-server.ts';
import { author } from '../test/helpers/store-fixture.ts';
import { createBareRepoWith, spreadEnvironments } from './gitops-fixture.ts';
import { median, percentile, round, timed } from './stats.ts';

const COUNT = 2000;
const ITERATIONS = 30;
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

async function sample(url: string): Promise<{ medianMs: number; p90Ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ITERATIONS + WARMUP; i++) {
    const ms = await timed(async () => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${url}: ${res.status}`);
      bytes = (await res.arrayBuffer()).byteLength;
    });
    if (i >= WARMUP) times.push(ms);
  }
  return { medianMs: round(median(times)), p90Ms: round(percentile(times, 90)), bytes };
}

/**
 * `npm run bench -- dashboard`: `GET /` with 2,000 environments (a real GitOps clone, a status for each),
 * beside, in the same run: a bare Fastify route, the same bytes served prebuilt by a bare route, and
 * the JSON list. Each is timed over HTTP, one request at a time; medians of ITERATIONS.
 */
export async function benchDashboard(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'previewd-bench-dashboard-'));
  const envs = spreadEnvironments(COUNT);
  const seed: Array<[string, string]> = [['README.md', '# GitOps\n'], ['previewd.yaml', 'domain: preview.example.com\n']];
  envs.forEach((env, i) => seed.push(...files(env, i)));
  await createBareRepoWith(join(work, 'gitops.git'), seed, `Seed ${COUNT} environments`);
  const server = await startGitHttpServer({ root: work });
  const bare = Fastify();
  try {
    const store = await openIsomorphicGitStore({ location: { kind: 'remote', url: server.url('gitops.git'), clone: join(work, 'clone.git'), push: 'thin' }, branch: 'main', author });
    const statuses = createPreviewStatusBook();
    envs.forEach((env, i) => statuses.set({ env, state: STATES[i % STATES.length] as PreviewStatus['state'], title: `Change number ${i}`, author: `dev${i % 37}`, at: new Date().toISOString(), ...(i % 8 === 5 ? { reason: 'Deployment "app" exceeded its progress deadline' } : {}) }));
    const api = createPreviewApi({ store, statuses, enqueue: () => true });
    const app = await buildApp({
      logger: pino({ level: 'silent' }),
      webhooks: { secrets: ['bench'], bodyLimit: 1024, deliveries: createDeliveryLog(), handle: () => ({ accepted: true }) },
      health: { readiness: () => ({ ready: true, reasons: [] }) },
      api: { api, adminToken: null },
      dashboard: { api, adminToken: 'bench-admin-token', clusterAccess: false, links: { githubWeb: 'https://github.com', argocdWeb: 'https://argocd.example.com', argocdNamespace: 'argocd' } },
      rateLimit: { max: 1_000_000, timeWindowMs: 60_000 },
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const page = await (await fetch(`${url}/`)).text();
    if ((page.match(/<tr data-env=/g) ?? []).length !== COUNT) throw new Error(`the page does not show ${COUNT} rows`);
    bare.get('/bare', async () => 'ok');
    bare.get('/prebuilt', async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(page));
    const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

    const figures = [
      { figure: `GET / (${COUNT} environments)`, ...(await sample(`${url}/`)) },
      { figure: `GET /?q=42 (filtered)`, ...(await sample(`${url}/?q=42`)) },
      { figure: 'GET /api/previews (JSON)', ...(await sample(`${url}/api/previews`)) },
      { figure: 'bare Fastify route', ...(await sample(`${bareUrl}/bare`)) },
      { figure: 'bare route, the page prebuilt', ...(await sample(`${bareUrl}/prebuilt`)) },
    ];
    await app.close();
    const dashboard = figures[0]?.medianMs ?? Number.NaN;
    console.log(`\nDashboard: medians of ${ITERATIONS} sequential requests after ${WARMUP} warm-up, ${cpus().length} cores, node ${process.version}`);
    console.log('figure                                median ms   p90 ms     bytes   ratio to GET /');
    for (const f of figures) {
      console.log(`${f.figure.padEnd(37)} ${String(f.medianMs).padStart(9)} ${String(f.p90Ms).padStart(8)} ${String(f.bytes).padStart(9)}   ${round(dashboard / f.medianMs)}x`);
    }
    console.log(`GET / with ${COUNT} environments: ${dashboard} ms median (goal: under 300 ms)`);
    for (const f of figures) console.log(JSON.stringify({ bench: 'dashboard', figure: f.figure, median_ms: f.medianMs, p90_ms: f.p90Ms, bytes: f.bytes }));
  } finally {
    await bare.close();
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}
