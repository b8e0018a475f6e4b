import type { AddonSizes, ContainerSize } from './addon-sizes.ts';
import type { EffectivePreview } from './resolve-preview.ts';
import { formatCpu, formatMemory, parseCpu, parseMemory } from './quantity.ts';

/** The keys of the ResourceQuota's spec.hard that the overlay sets; the guardrails' others stay. */
export interface QuotaHard {
  'requests.cpu': string;
  'requests.memory': string;
  'limits.cpu': string;
  'limits.memory': string;
  pods: string;
}

/**
 * Room for the app's replicas plus a rolling update's surge (Kubernetes' default maxSurge of 25%,
 * rounded up), and one pod per add-on: the add-ons never surge (StatefulSets, or Recreate).
 * Assumes one container per app pod; the LimitRange fills in any other container's size.
 */
export function previewQuota(preview: EffectivePreview, addonSizes: AddonSizes): QuotaHard {
  const app = appSize(preview);
  const appPods = preview.replicas + Math.ceil(preview.replicas / 4);
  const sizes: Array<[ContainerSize, number]> = [[app, appPods], ...preview.addons.map((a): [ContainerSize, number] => [addonSizes[a], 1])];
  const sum = (pick: (s: ContainerSize) => number): number => sizes.reduce((total, [size, n]) => total + pick(size) * n, 0);
  return {
    'requests.cpu': formatCpu(sum((s) => s.requests.cpu)),
    'requests.memory': formatMemory(sum((s) => s.requests.memory)),
    'limits.cpu': formatCpu(sum((s) => s.limits.cpu)),
    'limits.memory': formatMemory(sum((s) => s.limits.memory)),
    pods: String(appPods + preview.addons.length),
  };
}

function appSize(preview: EffectivePreview): ContainerSize {
  const { requests, limits } = preview.resources;
  return {
    requests: { cpu: parseCpu(requests.cpu) ?? 0, memory: parseMemory(requests.memory) ?? 0 },
    limits: { cpu: parseCpu(limits.cpu) ?? 0, memory: parseMemory(limits.memory) ?? 0 },
  };
}
