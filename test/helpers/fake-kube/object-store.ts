import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ResourceType } from './resource-types.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  [key: string]: unknown;
}

/** An object as the API server stores and serves it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, as kept in the history that watches replay from. */
export interface StoredEvent {
  type: ChangeType;
  resourceVersion: number;
  resource: ResourceType;
  object: KubeObject;
  /** The object before a MODIFIED change (a label-selected watch turns it into ADDED or DELETED) or a DELETED one. */
  previous?: KubeObject;
}

/** An open watch: told about every change, it decides what to send. */
export interface Watcher {
  deliver(event: StoredEvent): void;
}

/**
 * The objects, one resourceVersion counter for all of them (as etcd's revision), and a bounded history
 * of changes: a watch from a resourceVersion older than the history gets 410 Expired.
 */
export interface ObjectStore {
  readonly watchers: Set<Watcher>;
  resourceVersion(): number;
  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined;
  /** In key order (namespace, then name), as etcd lists them; `at` a past resourceVersion, as they were then (within the history). */
  list(resource: ResourceType, namespace?: string, at?: number): KubeObject[];
  /** Creates or replaces; server-managed metadata is filled in. An identical write changes nothing. */
  write(resource: ResourceType, object: KubeObject): KubeObject;
  remove(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined;
  /** The changes after `resourceVersion`, or 'expired' when the history no longer reaches back that far. */
  since(resourceVersion: number): StoredEvent[] | 'expired';
  /** Forgets the whole history (etcd compaction): every older resourceVersion is now too old to watch from. */
  compact(): void;
  /** The oldest resourceVersion a watch may start from. */
  oldestWatchable(): number;
}

function keyOf(resource: ResourceType, namespace: string | undefined, name: string): string {
  return `${resource.group}/${resource.plural}/${namespace ?? ''}/${name}`;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

// What bumps metadata.generation: everything but metadata (and status, when it is a subresource).
function specOf(resource: ResourceType, object: KubeObject): unknown {
  const { metadata: _metadata, status, ...rest } = object;
  return resource.statusSubresource ? rest : { ...rest, status };
}

export function createObjectStore(historyLimit: number): ObjectStore {
  const objects = new Map<string, KubeObject>();
  const history: StoredEvent[] = [];
  const watchers = new Set<Watcher>();
  let revision = 0;
  let compacted = 0;

  function record(event: StoredEvent): void {
    history.push(event);
    while (history.length > historyLimit) compacted = history.shift()?.resourceVersion ?? compacted;
    for (const watcher of [...watchers]) watcher.deliver(event);
  }

  return {
    watchers,
    resourceVersion: () => revision,
    get: (resource, namespace, name) => structuredClone(objects.get(keyOf(resource, namespace, name))),
    list(resource, namespace, at) {
      const prefix = `${resource.group}/${resource.plural}/${namespace === undefined ? '' : `${namespace}/`}`;
      const seen = new Map([...objects.entries()].filter(([key]) => key.startsWith(prefix)));
      // Undo the changes made since `at`, newest first: what etcd reads at that revision.
      for (const event of at === undefined ? [] : history.filter((e) => e.resourceVersion > at && e.resource.group === resource.group && e.resource.plural === resource.plural).reverse()) {
        const key = keyOf(resource, event.object.metadata.namespace, event.object.metadata.name);
        if (!key.startsWith(prefix)) continue;
        if (event.type === 'ADDED') seen.delete(key);
        else if (event.previous) seen.set(key, event.previous);
      }
      return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, o]) => structuredClone(o));
    },
    write(resource, input) {
      const key = keyOf(resource, input.metadata.namespace, input.metadata.name);
      const previous = objects.get(key);
      const object = structuredClone(input);
      object.apiVersion = `${resource.group}/${resource.version}`;
      object.kind = resource.kind;
      const meta = object.metadata;
      // Go's omitempty: an empty labels or annotations map is not kept (a merge patch removing the last one).
      if (meta.labels && Object.keys(meta.labels).length === 0) delete meta.labels;
      if (meta.annotations && Object.keys(meta.annotations).length === 0) delete meta.annotations;
      meta.uid = previous?.metadata.uid ?? meta.uid ?? randomUUID();
      meta.creationTimestamp = previous?.metadata.creationTimestamp ?? meta.creationTimestamp ?? now();
      const generation = previous?.metadata.generation ?? 0;
      meta.generation = !previous ? (meta.generation ?? 1) : isDeepStrictEqual(specOf(resource, previous), specOf(resource, object)) ? generation : generation + 1;
      meta.resourceVersion = previous?.metadata.resourceVersion;
      if (previous && isDeepStrictEqual(previous, object)) return structuredClone(previous);
      meta.resourceVersion = String(++revision);
      objects.set(key, object);
      record({ type: previous ? 'MODIFIED' : 'ADDED', resourceVersion: revision, resource, object, ...(previous ? { previous } : {}) });
      return structuredClone(object);
    },
    remove(resource, namespace, name) {
      const key = keyOf(resource, namespace, name);
      const previous = objects.get(key);
      if (!previous) return undefined;
      objects.delete(key);
      // The DELETED event carries the resourceVersion of the deletion itself.
      const object: KubeObject = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(++revision) } };
      record({ type: 'DELETED', resourceVersion: revision, resource, object, previous });
      return structuredClone(object);
    },
    since(resourceVersion) {
      if (resourceVersion < compacted) return 'expired';
      return history.filter((e) => e.resourceVersion > resourceVersion);
    },
    compact() {
      history.length = 0;
      compacted = revision;
    },
    oldestWatchable: () => compacted,
  };
}
