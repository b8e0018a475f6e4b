import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { actionOf, parseCommitMessage } from '../src/domain/commit-message.ts';
import { git, gitEnv } from '../test/helpers/git-cli.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../test/helpers/gitops-remote.ts';
import { skeletonFiles } from '../test/helpers/skeleton-files.ts';
import { githubHeaders } from '../test/helpers/webhook-examples.ts';
import type { MemorySample } from './memory-sample.ts';
import { monotonicUs, summarizeProfiles, type ProfileSummary, type TimeWindow } from './cpu-profile.ts';
import { runLoad, type LoadResult } from './http-load.ts';
import { startBareServer, startPreviewd, type ServerProcess } from './service-process.ts';
import { isMap, parseDocument } from 'yaml';
import { percentile, round } from './stats.ts';
import { headSha, paddedPayload, PAYLOAD_BYTES, signedRequest } from './webhook-requests.ts';

const SECRET = 'bench: it is a secret to everybody';
const CONCURRENCY = 32;
// The skeleton's previewd.yaml registers demo/*; `elsewhere` is no app of it.
const UNREGISTERED = { owner: 'elsewhere', repo: 'app', pr: 1 };
const DEMO = { owner: 'demo', repo: 'app' };
const BURST_PRS = 500;
// Long enough for a slow run to show how slow, short enough for the whole bench to stay bounded: 60 s
// for the 500-PR burst and smaller ones, in proportion for a larger one (`--prs 1000`).
const BURST_TIMEOUT_MS_PER_PR = 120;

function burstTimeoutMs(prs: number): number {
  return Math.max(60_000, BURST_TIMEOUT_MS_PER_PR * prs);
}
const POLL_MS = 100;

const GOALS = { ratio: 0.7, burstSeconds: 15, pushes: 50, peakRssMb: 250 };
// Other sizes (`--prs N`) are measured against no goal.
const BURST_GOALS: Record<number, { burstSeconds: number; pushes?: number; peakRssMb: number }> = { [BURST_PRS]: GOALS, 2000: { burstSeconds: 40, peakRssMb: 300 } };
// schema/previewd.schema.json caps an app's maxPreviews at 1000: a larger burst is spread over more
// apps, 1,000 PRs each (demo/app, then demo2/app, … each its own app in previewd.yaml).
const PRS_PER_APP = 1000;
const MAX_BURST_PRS = 10_000;

/** One PR of the burst. */
interface BurstPr {
  owner: string;
  repo: string;
  pr: number;
}

function burstPrs(count: number): BurstPr[] {
  return Array.from({ length: count }, (_, i) => {
    const app = Math.floor(i / PRS_PER_APP);
    return { owner: app === 0 ? DEMO.owner : `${DEMO.owner}${app + 1}`, repo: DEMO.repo, pr: (i % PRS_PER_APP) + 1 };
  });
}

const prKey = (p: BurstPr): string => `${p.owner}/${p.repo}#${p.pr}`;

interface Window {
  completed: number;
  elapsedMs: number;
  latenciesMs: number[];
  serverCpuMs: number;
  loadCpuMs: number;
  /** When it ran, on the clock of CPU profiles. */
  span: TimeWindow;
}

interface IngestSide {
  rps: number;
  p99Ms: number;
  p50Ms: number;
  requests: number;
  /** CPU the server process used, as a share of one core over the measured windows. */
  serverCpu: number;
  /** The server's CPU time per answered request, µs: less sensitive to other work on the machine than req/s. */
  cpuUsPerRequest: number;
  /** The same for the load generator (this process). */
  loadCpu: number;
}

interface Ingest {
  previewd: IngestSide;
  bare: IngestSide;
  ratio: number;
  /** Pushes previewd made while being measured: 0 when the payload kept the figure on ingest. */
  pushes: number;
  profile: { previewd: ProfileSummary; bare: ProfileSummary } | null;
}

interface Burst {
  seconds: number;
  acceptSeconds: number;
  acceptP99Ms: number;
  pushes: number;
  peakRssMb: number;
  folders: number;
  creates: number;
  commits: number;
  lost: number;
  duplicated: number;
  fsck: string;
  serverCpu: number;
  /** Folders on the remote at the last poll (all of them unless the burst timed out). */
  seen: number;
  profile: ProfileSummary | null;
  /** What the RSS was made of over the burst, from its first request (`--memory`). */
  memory: MemorySample[] | null;
  /** When the first request went out (ms since the epoch). */
  startedAt: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pushesIn(remote: GitOpsRemote): number {
  return remote.server.log.filter((line) => line.startsWith('POST ') && line.includes('git-receive-pack')).length;
}

function portOf(server: ServerProcess): number {
  return Number(new URL(server.url).port);
}

function unexpected(result: LoadResult, expected: number): string | null {
  const other = [...result.statuses].filter(([status]) => status !== expected);
  if (other.length === 0 && result.errors.length === 0) return null;
  return `answers other than ${expected}: ${JSON.stringify(Object.fromEntries(other))}; connection errors: ${result.errors.slice(0, 3).join('; ') || 'none'}`;
}

/** A fresh UUID-shaped delivery id per request, the way GitHub numbers deliveries. */
function deliveryIds(): (i: number) => string {
  const prefix = randomUUID().slice(0, 24);
  return (i) => `${prefix}${i.toString(16).padStart(12, '0')}`;
}

async function ingestWindow(server: ServerProcess, request: (delivery: string) => Buffer[], durationMs: number): Promise<Window> {
  const ids = deliveryIds();
  const fromUs = monotonicUs();
  const serverCpu = server.cpuMs();
  const loadCpu = process.cpuUsage();
  const result = await runLoad({ host: '127.0.0.1', port: portOf(server), concurrency: CONCURRENCY, durationMs, request: (i) => request(ids(i)) });
  const usage = process.cpuUsage(loadCpu);
  const problem = unexpected(result, 202);
  if (problem) throw new Error(`ingest against ${server.url}: ${problem}\n${server.output()}`);
  return {
    completed: result.completed, elapsedMs: result.elapsedMs, latenciesMs: result.latenciesMs,
    serverCpuMs: server.cpuMs() - serverCpu, loadCpuMs: (usage.user + usage.system) / 1000, span: { fromUs, toUs: monotonicUs() },
  };
}

function side(windows: Window[]): IngestSide {
  const completed = windows.reduce((n, w) => n + w.completed, 0);
  const elapsedMs = windows.reduce((n, w) => n + w.elapsedMs, 0);
  const latencies = windows.flatMap((w) => w.latenciesMs);
  return {
    rps: completed / (elapsedMs / 1000), p99Ms: percentile(latencies, 99), p50Ms: percentile(latencies, 50), requests: completed,
    serverCpu: windows.reduce((n, w) => n + w.serverCpuMs, 0) / elapsedMs,
    cpuUsPerRequest: (windows.reduce((n, w) => n + w.serverCpuMs, 0) * 1000) / completed,
    loadCpu: windows.reduce((n, w) => n + w.loadCpuMs, 0) / elapsedMs,
  };
}

/** One real delivery through fetch, checked to the answer's body: the bench must measure acceptance. */
async function checkAnswers(server: ServerProcess, body: string, previewd: boolean): Promise<void> {
  const headers = await githubHeaders(SECRET, body, 'pull_request', randomUUID());
  const res = await fetch(`${server.url}/webhooks/github`, { method: 'POST', headers, body });
  const answer = (await res.json()) as { accepted?: boolean };
  if (res.status !== 202 || answer.accepted !== true) throw new Error(`${server.url} answered ${res.status} ${JSON.stringify(answer)}, not 202 accepted`);
  if (!previewd) return;
  // And previewd really checks the signature of what it accepts.
  const forged = await fetch(`${server.url}/webhooks/github`, { method: 'POST', headers: { ...headers, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, body });
  await forged.body?.cancel();
  if (forged.status !== 401) throw new Error(`previewd answered ${forged.status} to a wrong signature, not 401`);
}

async function measureIngest(work: string, quick: boolean, profile: boolean): Promise<Ingest> {
  const warmupMs = quick ? 1000 : 2000;
  const windowMs = quick ? 1000 : 2500;
  const remote = await createGitOpsRemote(skeletonFiles());
  const servers: ServerProcess[] = [];
  const profileDirs = { previewd: join(work, 'profile-ingest-previewd'), bare: join(work, 'profile-ingest-bare') };
  try {
    if (profile) for (const dir of Object.values(profileDirs)) await mkdir(dir, { recursive: true });
    const previewd = await startPreviewd({ dataDir: join(work, 'ingest'), secret: SECRET, gitopsUrl: remote.url, ...(profile ? { cpuProfileDir: profileDirs.previewd } : {}) });
    servers.push(previewd);
    const bare = await startBareServer(work, profile ? profileDirs.bare : undefined);
    servers.push(bare);
    const body = paddedPayload({ ...UNREGISTERED, sha: headSha(1, 'ingest') });
    await checkAnswers(previewd, body, true);
    await checkAnswers(bare, body, false);
    const contenders = await Promise.all([previewd, bare].map(async (server) => ({
      server, request: (await signedRequest(new URL(server.url).host, SECRET, 'pull_request', body)).withDelivery, windows: [] as Window[],
    })));
    const [forPreviewd, forBare] = contenders as [(typeof contenders)[number], (typeof contenders)[number]];
    const pushesBefore = pushesIn(remote);
    for (const c of contenders) await ingestWindow(c.server, c.request, warmupMs);
    // ABBA: each side measured twice, once early and once late, so drift on a shared machine favours neither.
    for (const c of [forBare, forPreviewd, forPreviewd, forBare]) c.windows.push(await ingestWindow(c.server, c.request, windowMs));
    const pushes = pushesIn(remote) - pushesBefore;
    const [p, b] = [side(forPreviewd.windows), side(forBare.windows)];
    for (const server of servers.splice(0)) await server.stop();
    // Only the measured windows: start-up, warm-up and the other server's turns stay out of the profiles.
    const profiles = profile
      ? {
          previewd: await summarizeProfiles(profileDirs.previewd, forPreviewd.windows.map((w) => w.span), 25),
          bare: await summarizeProfiles(profileDirs.bare, forBare.windows.map((w) => w.span), 25),
        }
      : null;
    return { previewd: p, bare: b, ratio: p.rps / b.rps, pushes, profile: profiles };
  } finally {
    for (const server of servers) await server.stop();
    await remote.close();
  }
}

/** Environment folders (`owner/repo/pr-N`) of the burst's repositories on the remote's main (none before the first). */
async function remoteFolders(bare: string, prs: readonly BurstPr[]): Promise<string[]> {
  const repos = [...new Set(prs.map((p) => `${p.owner}/${p.repo}`))];
  const listings = await Promise.all(repos.map(async (repo) => {
    const listing = await git(bare, ['ls-tree', '--name-only', `main:previews/${repo}`]).catch(() => '');
    return listing.split('\n').filter((name) => name !== '').map((name) => `${repo}/${name}`);
  }));
  return listings.flat();
}

/** The `sha` of each PR's preview.json on the remote, read in one `git cat-file --batch`. */
function previewShas(bare: string, prs: readonly BurstPr[]): Map<string, string | null> {
  const input = prs.map((p) => `main:previews/${p.owner}/${p.repo}/pr-${p.pr}/preview.json\n`).join('');
  const out = spawnSync('git', ['cat-file', '--batch'], { cwd: bare, env: gitEnv, input, maxBuffer: 256 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`git cat-file --batch failed: ${out.stderr.toString()}`);
  const stdout = out.stdout;
  const shas = new Map<string, string | null>();
  let at = 0;
  for (const pr of prs) {
    const eol = stdout.indexOf(0x0a, at);
    const header = stdout.subarray(at, eol).toString('latin1').split(' ');
    at = eol + 1;
    if (header[1] !== 'blob') {
      shas.set(prKey(pr), null);
      continue;
    }
    const size = Number(header[2]);
    const text = stdout.subarray(at, at + size).toString('utf8');
    at += size + 1;
    try {
      shas.set(prKey(pr), String((JSON.parse(text) as { sha?: unknown }).sha));
    } catch {
      shas.set(prKey(pr), null);
    }
  }
  return shas;
}

/** The skeleton with room for the whole burst: the skeleton's `maxPreviews: 20` would put most of it in line. */
function burstFiles(prs: number): Record<string, string> {
  const files = skeletonFiles();
  const registry = parseDocument(files['previewd.yaml'] ?? '');
  registry.setIn(['defaults', 'maxPreviews'], Math.min(prs, PRS_PER_APP));
  // The apps beyond the first: the demo app again under another owner.
  const demo = registry.getIn(['apps', 0], true);
  if (!isMap(demo)) throw new Error('the skeleton\'s previewd.yaml has no first app to copy');
  for (let app = 2; app <= Math.ceil(prs / PRS_PER_APP); app++) {
    const copy = demo.clone();
    copy.set('repo', `${DEMO.owner}${app}/*`);
    copy.set('name', `${DEMO.owner}${app}`);
    registry.addIn(['apps'], copy);
  }
  files['previewd.yaml'] = registry.toString();
  return files;
}

interface BurstOptions {
  profile: boolean;
  /** How many PRs open at once. */
  prs: number;
  /** Sample what the server's memory is made of. */
  memory: boolean;
}

async function measureBurst(work: string, options: BurstOptions): Promise<Burst> {
  const { profile, prs: count } = options;
  const remote = await createGitOpsRemote(burstFiles(count));
  let server: ServerProcess | null = null;
  const profileDir = join(work, 'profile-burst');
  const memoryFile = join(work, 'memory-burst.json');
  try {
    if (profile) await mkdir(profileDir, { recursive: true });
    server = await startPreviewd({
      dataDir: join(work, 'burst'), secret: SECRET, gitopsUrl: remote.url,
      ...(profile ? { cpuProfileDir: profileDir } : {}), ...(options.memory ? { memoryProbeFile: memoryFile } : {}),
    });
    const prs = burstPrs(count);
    const shas = new Map(prs.map((p, i) => [prKey(p), headSha(i + 1, 'burst')]));
    // Built and signed before the clock starts: signing is GitHub's cost, not previewd's.
    const host = new URL(server.url).host;
    const requests = await Promise.all(prs.map(async (p) => {
      const signed = await signedRequest(host, SECRET, 'pull_request', paddedPayload({ ...p, sha: shas.get(prKey(p)) as string }));
      return signed.withDelivery(randomUUID());
    }));
    const pushesBefore = pushesIn(remote);
    const cpuBefore = server.cpuMs();
    let doneAt = Number.NaN;
    let doneUs = 0;
    let seen = 0;
    let polling = true;
    // Polls the bare repository as Argo CD would see it; a poll's start is when the state it reads was current.
    const poller = (async () => {
      const deadline = performance.now() + burstTimeoutMs(count);
      while (polling && performance.now() < deadline) {
        const at = performance.now();
        const atUs = monotonicUs();
        seen = (await remoteFolders(remote.bare, prs)).length;
        if (seen >= count) {
          doneAt = at;
          doneUs = atUs;
          return;
        }
        await sleep(POLL_MS);
      }
    })();
    const startUs = monotonicUs();
    const startedAt = Date.now();
    const load = await runLoad({ host: '127.0.0.1', port: portOf(server), concurrency: CONCURRENCY, total: count, request: (i) => requests[i] as Buffer[] });
    const problem = unexpected(load, 202);
    if (problem) {
      polling = false;
      throw new Error(`burst: ${problem}\n${server.output()}`);
    }
    await poller;
    const seconds = (doneAt - load.startedAt) / 1000;
    const serverCpuMs = server.cpuMs() - cpuBefore;
    const pushes = pushesIn(remote) - pushesBefore;
    const peakRssMb = server.peakRssMb();

    // Correctness: exactly one environment per PR, at its sha, made by exactly one `create` commit.
    const folders = await remoteFolders(remote.bare, prs);
    const expected = new Set(prs.map((p) => `${p.owner}/${p.repo}/pr-${p.pr}`));
    const found = previewShas(remote.bare, prs);
    const lost = prs.filter((p) => found.get(prKey(p)) !== shas.get(prKey(p))).length;
    const messages = (await git(remote.bare, ['log', '--format=%B%x00', 'main'])).split('\0').map((m) => m.trim()).filter((m) => m !== '');
    const creates = new Map<string, number>();
    for (const message of messages) {
      const parsed = parseCommitMessage(message);
      if (actionOf(parsed) !== 'create') continue;
      const key = `${parsed.trailers.get('Preview-Repo') ?? ''}#${parsed.trailers.get('Preview-PR') ?? ''}`;
      creates.set(key, (creates.get(key) ?? 0) + 1);
    }
    const createCount = [...creates.values()].reduce((n, c) => n + c, 0);
    const keys = new Set(prs.map(prKey));
    const extraCreates = [...creates].reduce((n, [key, count]) => n + (keys.has(key) ? count - 1 : count), 0);
    const duplicated = folders.filter((f) => !expected.has(f)).length + extraCreates;
    const fsck = await remote.fsck().then(() => 'ok', (err: unknown) => `FAILED: ${err instanceof Error ? err.message : String(err)}`);
    const code = await server.stop();
    server = null;
    if (code !== 0) throw new Error(`previewd exited ${String(code)} after SIGTERM`);
    const samples = options.memory ? (JSON.parse(await readFile(memoryFile, 'utf8')) as MemorySample[]) : [];
    return {
      seconds, acceptSeconds: load.elapsedMs / 1000, acceptP99Ms: percentile(load.latenciesMs, 99), pushes, peakRssMb,
      folders: folders.length, creates: createCount, commits: messages.length, lost, duplicated, fsck,
      serverCpu: serverCpuMs / (performance.now() - load.startedAt), seen,
      profile: profile ? await summarizeProfiles(profileDir, [{ fromUs: startUs, toUs: doneUs || monotonicUs() }], 25) : null,
      memory: samples.length === 0 ? null : samples, startedAt,
    };
  } finally {
    await server?.stop();
    await remote.close();
  }
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

function goal(op: string, value: number | undefined): string {
  return value === undefined ? '' : `${op} ${value}`;
}

// process.memoryUsage() in the server: the heap V8 manages, and the Buffers and ArrayBuffers outside it.
function memoryRows(burst: Burst): Array<[string, string | number, string, string]> {
  const samples = burst.memory;
  if (!samples) return [];
  const before = samples.filter((m) => m.at <= burst.startedAt);
  const start = before[before.length - 1] ?? samples[0];
  const peak = samples.reduce((a, b) => (b.rss > a.rss ? b : a));
  if (!start) return [];
  const line = (m: MemorySample) => `RSS ${m.rss}, heap ${m.heapUsed} used of ${m.heapTotal}, external ${m.external} (array buffers ${m.arrayBuffers})`;
  const rows: Array<[string, string | number, string, string]> = [
    ['  at the first request MB', round(start.rss, 0), '', line(start)],
    ['  at the peak MB', round(peak.rss, 0), '', `${line(peak)}, ${round((peak.at - burst.startedAt) / 1000, 1)} s after the first request`],
  ];
  // Every 2 s of the burst: what grows, and whether it comes back.
  let next = burst.startedAt;
  for (const m of samples) {
    if (m.at < next) continue;
    rows.push([`  +${round((m.at - burst.startedAt) / 1000, 0)} s MB`, round(m.rss, 0), '', line(m)]);
    next = m.at + 2000;
  }
  return rows;
}

function printProfile(title: string, summary: ProfileSummary | null): void {
  if (!summary) return;
  console.log(`\nCPU profile of previewd, ${title}: ${round(summary.busyMs, 0)} ms busy; self time by area, then by function`);
  for (const a of summary.areas) console.log(`  ${String(round(a.ms, 0)).padStart(7)} ms  ${a.name}`);
  for (const f of summary.functions) console.log(`  ${String(round(f.ms, 0)).padStart(7)} ms  ${f.name}`);
}

// Self time per accepted request, previewd beside the bare route, so that the difference has names.
function printIngestProfile(ingest: Ingest): void {
  if (!ingest.profile) return;
  const { previewd, bare } = ingest.profile;
  const perRequest = (ms: number, requests: number) => String(round((ms * 1000) / requests, 1)).padStart(8);
  for (const [what, list] of [['area', 'areas'], ['function', 'functions']] as const) {
    console.log(`\nCPU profile, ingest windows only: self time per request (µs) by ${what}; previewd ${round((previewd.busyMs * 1000) / ingest.previewd.requests, 1)} µs, bare ${round((bare.busyMs * 1000) / ingest.bare.requests, 1)} µs in all`);
    console.log('previewd     bare   name');
    const names = [...new Set([...previewd[list], ...bare[list]].map((e) => e.name))];
    const msOf = (summary: ProfileSummary, name: string) => summary[list].find((e) => e.name === name)?.ms ?? 0;
    names.sort((x, y) => msOf(previewd, y) - msOf(previewd, x));
    for (const name of names) console.log(`${perRequest(msOf(previewd, name), ingest.previewd.requests)} ${perRequest(msOf(bare, name), ingest.bare.requests)}   ${name}`);
  }
}

function prsArgument(args: string[]): number {
  const at = args.indexOf('--prs');
  if (at < 0) return BURST_PRS;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--prs takes a whole number of pull requests (e.g. --prs 1000), not ${JSON.stringify(args[at + 1])}`);
  if (value > MAX_BURST_PRS) throw new Error(`--prs ${value}: at most ${MAX_BURST_PRS} (${MAX_BURST_PRS / PRS_PER_APP} apps of ${PRS_PER_APP} PRs, the most an app's maxPreviews allows)`);
  return value;
}

function burstDescription(count: number): string {
  const apps = Math.ceil(count / PRS_PER_APP);
  if (apps === 1) return `${DEMO.owner}/${DEMO.repo}#1..${count}`;
  return `${apps} apps (${DEMO.owner}/${DEMO.repo}, ${DEMO.owner}2/${DEMO.repo}, …), up to ${PRS_PER_APP} PRs each`;
}

function noIngest(): Ingest {
  const none: IngestSide = { rps: Number.NaN, p99Ms: Number.NaN, p50Ms: Number.NaN, requests: 0, serverCpu: Number.NaN, cpuUsPerRequest: Number.NaN, loadCpu: Number.NaN };
  return { previewd: none, bare: none, ratio: Number.NaN, pushes: 0, profile: null };
}

/**
 * `npm run bench -- service [--quick] [--profile] [--memory] [--prs N] [--burst-only]`: previewd as a
 * running service, ingest and a burst of N PRs (500); `--memory` says what the burst's RSS was made of.
 */
export async function benchService(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const profile = args.includes('--profile');
  const prs = prsArgument(args);
  const goals = BURST_GOALS[prs];
  const work = await mkdtemp(join(tmpdir(), 'previewd-bench-service-'));
  // Other work on the machine takes cores from the servers and the load generator alike: say how much there was.
  const loadBefore = loadavg()[0] ?? 0;
  let ingest: Ingest;
  let burst: Burst;
  try {
    ingest = args.includes('--burst-only') ? noIngest() : await measureIngest(work, quick, profile);
    burst = await measureBurst(work, { profile, prs, memory: args.includes('--memory') });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const { previewd: p, bare: b } = ingest;
  const pct = (share: number) => `${round(share * 100, 0)}%`;
  const rows: Array<[string, string | number, string, string]> = [
    ['ingest previewd req/s', round(p.rps, 0), '', `${p.requests} requests; p50 ${round(p.p50Ms)} ms; CPU ${round(p.cpuUsPerRequest, 0)} µs/request; previewd ${pct(p.serverCpu)}, load generator ${pct(p.loadCpu)} of a core`],
    ['ingest bare req/s', round(b.rps, 0), '', `${b.requests} requests; p50 ${round(b.p50Ms)} ms; CPU ${round(b.cpuUsPerRequest, 0)} µs/request; server ${pct(b.serverCpu)}, load generator ${pct(b.loadCpu)} of a core`],
    ['ingest ratio', round(ingest.ratio), `>= ${GOALS.ratio}`, `${verdict(ingest.ratio >= GOALS.ratio)}; CPU per request bare / previewd: ${round(b.cpuUsPerRequest / p.cpuUsPerRequest)}`],
    ['ingest previewd p99 ms', round(p.p99Ms), '', `pushes while measured: ${ingest.pushes}`],
    ['ingest bare p99 ms', round(b.p99Ms), '', ''],
    ['burst seconds', round(burst.seconds), goal('<=', goals?.burstSeconds), `${goals ? verdict(burst.seconds <= goals.burstSeconds) : 'no goal'}${burst.seen < prs ? ` (timed out: ${burst.seen} of ${prs} after ${burstTimeoutMs(prs) / 1000} s)` : ''}; all 202 after ${round(burst.acceptSeconds)} s (p99 ${round(burst.acceptP99Ms)} ms); previewd CPU ${pct(burst.serverCpu)} of a core`],
    ['burst pushes', burst.pushes, goal('<=', goals?.pushes), goals?.pushes === undefined ? '' : verdict(burst.pushes <= goals.pushes)],
    ['burst peak RSS MB', round(burst.peakRssMb, 0), goal('<=', goals?.peakRssMb), `${goals ? `${verdict(burst.peakRssMb <= goals.peakRssMb)}; ` : ''}VmHWM of the previewd process (compiled, as the image runs it), whole life`],
    ...memoryRows(burst),
    ['burst lost', burst.lost, '= 0', `${verdict(burst.lost === 0)}; ${burst.folders} folders`],
    ['burst duplicated', burst.duplicated, '= 0', `${verdict(burst.duplicated === 0)}; ${burst.creates} create commits of ${burst.commits} on main`],
    ['burst git fsck --strict', burst.fsck, 'ok', ''],
  ];
  console.log(`\npreviewd service: ${cpus().length} cores, node ${process.version}, ${CONCURRENCY} keep-alive connections, signed ${PAYLOAD_BYTES}-byte pull_request payloads`);
  console.log(`machine load (1-minute average) before: ${round(loadBefore)}, after: ${round(loadavg()[0] ?? 0)} (this bench alone keeps about 1.5 cores busy)`);
  console.log(`ingest: ${quick ? '1 s' : '2 s'} warm-up, then ${quick ? '2 x 1 s' : '2 x 2.5 s'} per server (order bare, previewd, previewd, bare); each server its own process`);
  console.log(`  payload: pull_request.opened for ${UNREGISTERED.owner}/${UNREGISTERED.repo}#${UNREGISTERED.pr}, not registered in previewd.yaml: previewd verifies,`);
  console.log('  parses, routes and enqueues it (coalesced: no commit); the bare route only parses the JSON');
  console.log(`burst: ${prs} pull_request.opened for ${burstDescription(prs)}; seconds from the first request until all are on the remote (polled every ${POLL_MS} ms)`);
  console.log('figure                     value        goal     notes');
  for (const [figure, value, goal, note] of rows) console.log(`${figure.padEnd(26)} ${String(value).padStart(8)}   ${goal.padEnd(8)} ${note}`);
  printIngestProfile(ingest);
  printProfile('burst, from the first request until all overlays were on the remote', burst.profile);
  console.log(JSON.stringify({
    bench: 'service', figure: 'ingest', previewd_rps: round(p.rps, 0), bare_rps: round(b.rps, 0), ratio: round(ingest.ratio),
    previewd_p99_ms: round(p.p99Ms), bare_p99_ms: round(b.p99Ms), previewd_cpu_us: round(p.cpuUsPerRequest, 0), bare_cpu_us: round(b.cpuUsPerRequest, 0),
  }));
  console.log(JSON.stringify({
    bench: 'service', figure: 'burst', prs, seconds: round(burst.seconds), pushes: burst.pushes, peak_rss_mb: round(burst.peakRssMb, 0),
    lost: burst.lost, duplicated: burst.duplicated, fsck: burst.fsck === 'ok',
  }));
  // Wrong results are a failure of the bench, unlike a missed speed goal.
  if (burst.lost !== 0 || burst.duplicated !== 0 || burst.fsck !== 'ok' || burst.creates !== prs) process.exitCode = 1;
}
