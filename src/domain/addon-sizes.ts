import { parse } from 'yaml';
import { ADDONS, type Addon } from './config-types.ts';
import { parseCpu, parseMemory } from './quantity.ts';

/** One container's requests and limits, exact: CPU in millicores, memory in bytes. */
export interface ContainerSize {
  requests: { cpu: number; memory: number };
  limits: { cpu: number; memory: number };
}

export type AddonSizes = Readonly<Record<Addon, ContainerSize>>;

export class InvalidTemplateError extends Error {
  override name = 'InvalidTemplateError';
}

/** Reads `templates/addons.yaml`: every add-on's requests and limits. Throws on a broken table. */
export function parseAddonSizes(text: string): AddonSizes {
  let data: unknown;
  try {
    data = parse(text, { schema: 'core', maxAliasCount: 0 });
  } catch (err) {
    throw new InvalidTemplateError('templates/addons.yaml is not valid YAML', { cause: err });
  }
  const table = (data ?? {}) as Record<string, { requests?: Record<string, unknown>; limits?: Record<string, unknown> }>;
  const sizes = {} as Record<Addon, ContainerSize>;
  for (const addon of ADDONS) {
    const entry = table[addon];
    const size = {
      requests: { cpu: parseCpu(String(entry?.requests?.cpu)), memory: parseMemory(String(entry?.requests?.memory)) },
      limits: { cpu: parseCpu(String(entry?.limits?.cpu)), memory: parseMemory(String(entry?.limits?.memory)) },
    };
    if ([size.requests.cpu, size.requests.memory, size.limits.cpu, size.limits.memory].some((v) => v === null)) {
      throw new InvalidTemplateError(`templates/addons.yaml: ${addon} needs requests and limits of cpu and memory`);
    }
    sizes[addon] = size as ContainerSize;
  }
  return sizes;
}
