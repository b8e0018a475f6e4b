import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A stretch of time on the monotonic clock V8 stamps samples with: `process.hrtime.bigint()` in µs. */
export interface TimeWindow {
  fromUs: number;
  toUs: number;
}

/** Now, on the clock of profile samples. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export interface SelfTime {
  name: string;
  ms: number;
}

export interface ProfileSummary {
  /** Sampled time the process was not idle, ms. */
  busyMs: number;
  /** Self time by package (node_modules/<name>), previewd source file, or V8/Node category. */
  areas: SelfTime[];
  /** Self time by function. */
  functions: SelfTime[];
}

const ROOT_URL = `file://${join(import.meta.dirname, '..')}/`;

// Where a frame's code lives, coarse enough to say "isomorphic-git" or "src/adapters/git/pack-writer.ts".
function areaOf(frame: ProfileNode['callFrame']): string {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(frame.url);
  if (pkg) return pkg[1] as string;
  if (frame.url.startsWith('node:')) return 'node internals';
  return frame.url.startsWith(ROOT_URL) ? frame.url.slice(ROOT_URL.length) : frame.url;
}

function top(map: Map<string, number>, n: number): SelfTime[] {
  return [...map].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms).slice(0, n);
}

/**
 * Self time of every profile V8 wrote into `dir` (`--cpu-prof-dir`), merged, counting only samples
 * taken within `windows` (the whole life when none is given): start-up and idle stretches stay out.
 */
export async function summarizeProfiles(dir: string, windows: readonly TimeWindow[] = [], n = 15): Promise<ProfileSummary> {
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyMs = 0;
  const inWindow = (us: number): boolean => windows.length === 0 || windows.some((w) => us >= w.fromUs && us <= w.toUs);
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    let at = profile.startTime;
    for (let i = 0; i < samples.length; i++) {
      at += deltas[i] ?? 0;
      // A sample stands for the time until the next one.
      const ms = (deltas[i + 1] ?? 0) / 1000;
      const node = nodes.get(samples[i] as number);
      if (!node || ms === 0 || !inWindow(at) || node.callFrame.functionName === '(idle)') continue;
      busyMs += ms;
      const area = areaOf(node.callFrame);
      areas.set(area, (areas.get(area) ?? 0) + ms);
      const name = `${node.callFrame.functionName || '(anonymous)'} ${area}:${node.callFrame.lineNumber + 1}`;
      functions.set(name, (functions.get(name) ?? 0) + ms);
    }
  }
  return { busyMs, areas: top(areas, n), functions: top(functions, n) };
}
