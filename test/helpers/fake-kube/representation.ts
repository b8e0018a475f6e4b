import type { KubeObject } from './object-store.ts';
import type { PrinterColumn, ResourceType } from './resource-types.ts';
import { KubeStatusError } from './status.ts';

/**
 * How an answer is shaped, from the request's Accept header: the object itself, a `meta.k8s.io` Table
 * (what `kubectl get` asks for, to print the server's columns), or only the metadata.
 */
export type Representation = { as: 'object' } | { as: 'table'; apiVersion: string; include: 'None' | 'Metadata' | 'Object' } | { as: 'metadata'; apiVersion: string };

/** The first media type in `accept` that the fake can serve, as the API server picks it; 406 if none. */
export function representationFor(accept: string | undefined, includeObject: string | null): Representation {
  for (const entry of (accept ?? '*/*').split(',')) {
    const [type = '', ...params] = entry.split(';').map((s) => s.trim());
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    const param = Object.fromEntries(params.map((p) => p.split('=') as [string, string]));
    if (!param.as) return { as: 'object' };
    if (param.g !== 'meta.k8s.io' || (param.v !== 'v1' && param.v !== 'v1beta1')) continue;
    const apiVersion = `meta.k8s.io/${param.v}`;
    if (param.as === 'Table') {
      const include = includeObject === 'None' || includeObject === 'Object' ? includeObject : 'Metadata';
      return { as: 'table', apiVersion, include };
    }
    if (param.as === 'PartialObjectMetadata' || param.as === 'PartialObjectMetadataList') return { as: 'metadata', apiVersion };
  }
  throw new KubeStatusError(406, `only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io`);
}

const NAME_COLUMN = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

// Without additionalPrinterColumns the API server shows the age; with them, exactly those.
function columnsOf(resource: ResourceType): PrinterColumn[] {
  return resource.printerColumns.length > 0 ? resource.printerColumns : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
}

/** Evaluates the simple JSONPath of a printer column (`.status.sync.status`, `.spec.items[0].name`). */
function evaluate(object: unknown, jsonPath: string): unknown {
  let node = object;
  for (const token of jsonPath.replace(/^\{?\.?/, '').replace(/\}$/, '').split(/\.|\[(\d+)\]/).filter((t) => t !== undefined && t !== '')) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[token];
  }
  return node ?? null;
}

export function partialMetadata(object: KubeObject, apiVersion: string): object {
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: object.metadata };
}

/** A Table of `objects`, with the CRD's columns; `withHeaders` false leaves out the column definitions. */
export function toTable(resource: ResourceType, objects: KubeObject[], listMeta: object, rep: Extract<Representation, { as: 'table' }>, withHeaders = true): object {
  const columns = columnsOf(resource);
  const columnDefinitions = [NAME_COLUMN, ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }))];
  const rows = objects.map((object) => ({
    cells: [object.metadata.name, ...columns.map((c) => evaluate(object, c.jsonPath))],
    ...(rep.include === 'None' ? {} : { object: rep.include === 'Object' ? object : partialMetadata(object, rep.apiVersion) }),
  }));
  return { kind: 'Table', apiVersion: rep.apiVersion, metadata: listMeta, ...(withHeaders ? { columnDefinitions } : {}), rows };
}

/** One object in the representation asked for. */
export function represent(resource: ResourceType, object: KubeObject, rep: Representation, withHeaders = true): object {
  if (rep.as === 'table') return toTable(resource, [object], { resourceVersion: object.metadata.resourceVersion }, rep, withHeaders);
  if (rep.as === 'metadata') return partialMetadata(object, rep.apiVersion);
  return object;
}

/** A list in the representation asked for. */
export function representList(resource: ResourceType, objects: KubeObject[], listMeta: object, rep: Representation): object {
  if (rep.as === 'table') return toTable(resource, objects, listMeta, rep);
  if (rep.as === 'metadata') return { kind: 'PartialObjectMetadataList', apiVersion: rep.apiVersion, metadata: listMeta, items: objects.map((o) => partialMetadata(o, rep.apiVersion)) };
  return { apiVersion: `${resource.group}/${resource.version}`, kind: resource.listKind, metadata: listMeta, items: objects };
}
