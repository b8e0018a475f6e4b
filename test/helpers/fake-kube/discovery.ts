import { createHash } from 'node:crypto';
import type { ResourceType } from './resource-types.ts';

const VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

/** `/version`: a Kubernetes 1.32 server, the version kubectl here was built against. */
export function versionInfo(): object {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-fake',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-11T00:00:00Z',
    goVersion: 'go1.23.3',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** `/api`: the legacy core group, which every server has. */
export function coreVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** `/api/v1`: only namespaces (the fake serves no core objects, but clients expect the group). */
export function coreResources(): object {
  return {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [{ name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'], shortNames: ['ns'] }],
  };
}

/** A Namespace, for `/api/v1/namespaces/{name}` (kubectl asks after a NotFound, to say which was missing). */
export function namespaceObject(name: string): object {
  return { kind: 'Namespace', apiVersion: 'v1', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

function groupOf(name: string, types: ResourceType[]): object {
  const versions = [...new Set(types.filter((t) => t.group === name).map((t) => t.version))].map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions, preferredVersion: versions[0] };
}

/** `/apis`: every group the CRDs serve. */
export function groupList(types: ResourceType[]): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...new Set(types.map((t) => t.group))].map((g) => groupOf(g, types)) };
}

/** `/apis/{group}`, or undefined when no CRD serves it. */
export function group(name: string, types: ResourceType[]): object | undefined {
  return types.some((t) => t.group === name) ? { kind: 'APIGroup', apiVersion: 'v1', ...groupOf(name, types) } : undefined;
}

/** `/apis/{group}/{version}`: the resources, their verbs and short names, and status subresources. */
export function resourceList(groupName: string, version: string, types: ResourceType[]): object | undefined {
  const served = types.filter((t) => t.group === groupName && t.version === version);
  if (served.length === 0) return undefined;
  const resources = served.flatMap((t) => {
    const main = {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length > 0 ? { categories: t.categories } : {}),
      storageVersionHash: createHash('sha256').update(`${t.group}/${t.version}/${t.kind}`).digest('base64').slice(0, 11),
    };
    const status = { name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] };
    return t.statusSubresource ? [main, status] : [main];
  });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${groupName}/${version}`, resources };
}
