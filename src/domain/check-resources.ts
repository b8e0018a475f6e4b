import type { ConfigProblem } from './config-problem.ts';
import type { Resources } from './config-types.ts';
import { formatCpu, formatMemory, parseCpu, parseMemory } from './quantity.ts';

export interface ResourceCaps {
  cpu: string;
  memory: string;
}

/**
 * Each request and limit at most the cap, and each request at most its limit (Kubernetes would
 * refuse the Pod otherwise, long after the commit).
 */
export function checkResources(file: string, path: string, resources: Resources, caps: ResourceCaps): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const capCpu = parseCpu(caps.cpu) ?? 0;
  const capMemory = parseMemory(caps.memory) ?? 0;
  for (const kind of ['requests', 'limits'] as const) {
    const cpu = resources[kind]?.cpu;
    const memory = resources[kind]?.memory;
    if (cpu !== undefined && (parseCpu(cpu) ?? Infinity) > capCpu) {
      problems.push({ file, path: `${path}/${kind}/cpu`, message: `cpu ${cpu} is above the cap`, accepted: `at most ${caps.cpu}` });
    }
    if (memory !== undefined && (parseMemory(memory) ?? Infinity) > capMemory) {
      problems.push({ file, path: `${path}/${kind}/memory`, message: `memory ${memory} is above the cap`, accepted: `at most ${caps.memory}` });
    }
  }
  const pairs = [
    ['cpu', parseCpu, formatCpu],
    ['memory', parseMemory, formatMemory],
  ] as const;
  for (const [name, parse, format] of pairs) {
    const request = resources.requests?.[name];
    const limit = resources.limits?.[name];
    if (request === undefined || limit === undefined) continue;
    const r = parse(request) ?? 0;
    const l = parse(limit) ?? 0;
    if (r > l) {
      problems.push({ file, path: `${path}/requests/${name}`, message: `the ${name} request ${request} is above its limit ${limit}`, accepted: `at most ${format(l)}` });
    }
  }
  return problems;
}
