import type { ServerResponse } from 'node:http';
import type { KubeObject, ObjectStore, StoredEvent, Watcher } from './object-store.ts';
import { represent, type Representation } from './representation.ts';
import type { ResourceType } from './resource-types.ts';
import type { Selector } from './selectors.ts';
import { expired, KubeStatusError } from './status.ts';

export interface WatchRequest {
  resource: ResourceType;
  namespace?: string;
  labels: Selector;
  fields: Selector;
  /** As given: absent, '' and '0' start with the current objects as ADDED events. */
  resourceVersion: string | null;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  sendInitialEvents: boolean;
  representation: Representation;
}

/** How a watch from a compacted resourceVersion is refused: an ERROR event in a 200 stream (as kube-apiserver's watch cache does), or a plain 410. */
export type ExpiredAnswer = 'event' | 'status';

/** An open watch connection, which the fake can break, end or bookmark. */
export interface OpenWatch extends Watcher {
  /** Destroys the connection mid-stream: the client sees a network error. */
  drop(): void;
  /** Ends the stream cleanly, as the server does at `timeoutSeconds`. */
  end(): void;
  bookmark(): void;
}

type Line = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: unknown };

function matcher(request: WatchRequest): (object: KubeObject) => boolean {
  return (object) => {
    if (request.namespace !== undefined && object.metadata.namespace !== request.namespace) return false;
    const fields: Record<string, string | undefined> = { 'metadata.name': object.metadata.name, 'metadata.namespace': object.metadata.namespace };
    return request.labels((key) => object.metadata.labels?.[key]) && request.fields((key) => fields[key]);
  };
}

// A label-selected watch sees an object leave (DELETED) or enter (ADDED) its selection on a change.
function translate(request: WatchRequest, matches: (o: KubeObject) => boolean, event: StoredEvent): Line['type'] | undefined {
  if (event.resource.group !== request.resource.group || event.resource.plural !== request.resource.plural) return undefined;
  const now = matches(event.object);
  if (event.type !== 'MODIFIED') return now ? event.type : undefined;
  const before = event.previous !== undefined && matches(event.previous);
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}

/**
 * Serves `?watch=true` as the API server does: a 200 with chunked newline-delimited JSON events,
 * starting after `resourceVersion` (replayed from the history) or with the current objects. Throws a
 * KubeStatusError, before anything is written, for a request the server refuses outright.
 */
export function serveWatch(store: ObjectStore, request: WatchRequest, res: ServerResponse, expiredAnswer: ExpiredAnswer): OpenWatch {
  const matches = matcher(request);
  const rv = request.resourceVersion;
  const fromNow = rv === null || rv === '' || rv === '0';
  const start = fromNow ? store.resourceVersion() : Number(rv);
  if (!Number.isInteger(start) || start < 0) throw new KubeStatusError(400, `invalid resource version: ${rv}`);
  const backlog = fromNow ? [] : store.since(start);
  if (backlog === 'expired' && expiredAnswer === 'status') throw expired(start, store.oldestWatchable());

  let headersSent = false;
  let timer: NodeJS.Timeout | undefined;
  const write = (line: Line): void => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(line)}\n`);
  };
  const send = (type: Line['type'], object: KubeObject): void => {
    // A Table watch carries the column definitions once, in its first event.
    write({ type, object: represent(request.resource, object, request.representation, !headersSent) });
    headersSent = true;
  };
  const watch: OpenWatch = {
    deliver(event) {
      const type = translate(request, matches, event);
      if (type) send(type, event.object);
    },
    drop: () => res.socket?.destroy(),
    end() {
      watch.bookmark();
      res.end();
    },
    bookmark() {
      if (!request.allowBookmarks) return;
      const { group, version, kind } = request.resource;
      write({ type: 'BOOKMARK', object: { kind, apiVersion: `${group}/${version}`, metadata: { resourceVersion: String(store.resourceVersion()) } } });
    },
  };

  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  if (backlog === 'expired') {
    write({ type: 'ERROR', object: expired(start, store.oldestWatchable()).status });
    res.end();
    return watch;
  }
  if (fromNow) {
    for (const object of store.list(request.resource, request.namespace).filter(matches)) send('ADDED', object);
    if (request.sendInitialEvents) {
      const { group, version, kind } = request.resource;
      write({ type: 'BOOKMARK', object: { kind, apiVersion: `${group}/${version}`, metadata: { resourceVersion: String(start), annotations: { 'k8s.io/initial-events-end': 'true' } } } });
    }
  }
  for (const event of backlog) watch.deliver(event);
  store.watchers.add(watch);
  if (request.timeoutSeconds !== undefined) timer = setTimeout(() => watch.end(), request.timeoutSeconds * 1000);
  res.on('close', () => {
    store.watchers.delete(watch);
    clearTimeout(timer);
  });
  return watch;
}
