import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, ObjectStore } from './object-store.ts';
import { jsonPatch, mergePatch, PatchError } from './patch.ts';
import { represent, representationFor, representList } from './representation.ts';
import type { ResourceType } from './resource-types.ts';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';
import { alreadyExists, conflict, invalid, KubeStatusError, notFound } from './status.ts';
import { serveWatch, type ExpiredAnswer } from './watch-stream.ts';

/** A patch as it reached the fake: tests assert what previewd asked of Argo CD. */
export interface RecordedPatch {
  resource: string;
  namespace?: string;
  name: string;
  subresource?: string;
  contentType: string;
  body: unknown;
  status: number;
}

export interface ResourceContext {
  store: ObjectStore;
  patches: RecordedPatch[];
  expiredAnswer: ExpiredAnswer;
  /** Problems with an object that the CRD's schema would refuse (422), if the fake validates. */
  validate?: (resource: ResourceType, object: KubeObject) => string[];
}

export interface ResourceTarget {
  resource: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

export type Answer = { status: number; body: unknown } | 'streaming';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

function selectors(query: URLSearchParams): { labels: ReturnType<typeof parseLabelSelector>; fields: ReturnType<typeof parseFieldSelector> } {
  try {
    return { labels: parseLabelSelector(query.get('labelSelector')), fields: parseFieldSelector(query.get('fieldSelector')) };
  } catch (error) {
    if (error instanceof SelectorError) throw new KubeStatusError(400, error.message, { cause: error });
    throw error;
  }
}

function list(ctx: ResourceContext, target: ResourceTarget, query: URLSearchParams, accept: string | undefined): Answer {
  const { labels, fields } = selectors(query);
  const representation = representationFor(accept, query.get('includeObject'));
  const token = query.get('continue');
  const from = token ? (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { rv: number; after: string }) : undefined;
  if (from && from.rv < ctx.store.oldestWatchable()) throw new KubeStatusError(410, 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.', { reason: 'Expired' });
  // A continued list reads at its first page's resourceVersion, as etcd does (fake-kube-conformance).
  const matching = ctx.store.list(target.resource, target.namespace, from?.rv).filter((o) =>
    labels((k) => o.metadata.labels?.[k]) && fields((k) => (k === 'metadata.name' ? o.metadata.name : o.metadata.namespace)));
  const rest = from ? matching.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > from.after) : matching;
  const limit = Number(query.get('limit') ?? 0);
  const page = limit > 0 ? rest.slice(0, limit) : rest;
  const rv = from?.rv ?? ctx.store.resourceVersion();
  const last = page[page.length - 1];
  const more = page.length < rest.length && last;
  const listMeta = {
    resourceVersion: String(rv),
    ...(more ? { continue: Buffer.from(JSON.stringify({ rv, after: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64') } : {}),
    // A custom resource's list always carries the token, empty on the last (or only) page.
    ...(!more ? { continue: '' } : {}),
    // kube-apiserver counts what is left only when no selector filtered the list (checked against it).
    ...(more && !query.get('labelSelector') && !query.get('fieldSelector') ? { remainingItemCount: rest.length - page.length } : {}),
  };
  return { status: 200, body: representList(target.resource, page, listMeta, representation) };
}

function existing(ctx: ResourceContext, target: ResourceTarget, name: string): KubeObject {
  const object = ctx.store.get(target.resource, target.namespace, name);
  if (!object) throw notFound(target.resource, name);
  return object;
}

// A write through the API: checks, subresource rules, the CRD's schema, and finalizers.
function store(ctx: ResourceContext, target: ResourceTarget, before: KubeObject | undefined, input: KubeObject, name: string): KubeObject {
  if (!input || typeof input !== 'object' || !input.metadata) throw new KubeStatusError(400, 'Object \'metadata\' is missing');
  if (input.metadata.name !== name) throw new KubeStatusError(400, `the name of the object (${String(input.metadata.name)}) does not match the name on the URL (${name})`);
  if ((input.metadata.namespace ?? target.namespace) !== target.namespace) throw new KubeStatusError(400, 'the namespace of the provided object does not match the namespace sent on the request');
  if (before && input.metadata.resourceVersion && input.metadata.resourceVersion !== before.metadata.resourceVersion) throw conflict(target.resource, name);
  let object: KubeObject = { ...input, metadata: { ...input.metadata, namespace: target.namespace } };
  if (target.resource.statusSubresource) {
    const { status: _ignored, ...rest } = object;
    if (target.subresource === 'status') object = { ...(before as KubeObject), ...('status' in object ? { status: object.status } : {}) };
    else object = before && 'status' in before ? { ...rest, status: before.status } : rest;
  }
  const problems = ctx.validate?.(target.resource, object) ?? [];
  if (problems.length > 0) throw invalid(target.resource, name, problems);
  const written = ctx.store.write(target.resource, object);
  if (written.metadata.deletionTimestamp && !written.metadata.finalizers?.length) return ctx.store.remove(target.resource, target.namespace, name) ?? written;
  return written;
}

function applyPatch(contentType: string, before: KubeObject, patch: unknown): KubeObject {
  try {
    if (contentType === MERGE) return mergePatch(before, patch) as KubeObject;
    if (contentType === JSON_PATCH) return jsonPatch(before, patch) as KubeObject;
  } catch (error) {
    if (error instanceof PatchError) throw new KubeStatusError(error.status, error.message, { cause: error });
    throw error;
  }
  // Custom resources take no strategic merge patch; server-side apply is not faked.
  throw new KubeStatusError(415, `the body of the request was in an unknown format - accepted media types include: ${JSON_PATCH}, ${MERGE}`);
}

/** Answers one request on a resource (collection, object, or its status). */
export function handleResource(ctx: ResourceContext, target: ResourceTarget, req: IncomingMessage, res: ServerResponse, query: URLSearchParams, body: unknown): Answer {
  const { resource, namespace, name } = target;
  const accept = req.headers.accept;
  if (name === undefined) {
    if (req.method === 'GET' && ['1', 'true'].includes(query.get('watch') ?? '')) {
      const timeout = query.get('timeoutSeconds');
      serveWatch(ctx.store, {
        resource, ...(namespace !== undefined ? { namespace } : {}), ...selectors(query),
        resourceVersion: query.get('resourceVersion'),
        allowBookmarks: query.get('allowWatchBookmarks') === 'true',
        ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
        sendInitialEvents: query.get('sendInitialEvents') === 'true',
        representation: representationFor(accept, query.get('includeObject')),
      }, res, ctx.expiredAnswer);
      return 'streaming';
    }
    if (req.method === 'GET') return list(ctx, target, query, accept);
    if (req.method === 'POST' && namespace !== undefined) {
      const input = body as KubeObject;
      const newName = input?.metadata?.name;
      if (!newName) throw new KubeStatusError(422, `${resource.kind}.${resource.group} "" is invalid: metadata.name: Required value: name or generateName is required`);
      if (ctx.store.get(resource, namespace, newName)) throw alreadyExists(resource, newName);
      const { status: _status, ...withoutStatus } = input;
      return { status: 201, body: store(ctx, target, undefined, resource.statusSubresource ? withoutStatus as KubeObject : input, newName) };
    }
    throw new KubeStatusError(405, `the server does not allow this method on the requested resource`);
  }
  const before = existing(ctx, target, name);
  switch (req.method) {
    case 'GET': return { status: 200, body: represent(resource, before, representationFor(accept, query.get('includeObject'))) };
    case 'PUT': return { status: 200, body: store(ctx, target, before, body as KubeObject, name) };
    case 'PATCH': {
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      const record: RecordedPatch = { resource: resource.plural, ...(namespace !== undefined ? { namespace } : {}), name, ...(target.subresource ? { subresource: target.subresource } : {}), contentType, body, status: 0 };
      ctx.patches.push(record);
      try {
        const answer = { status: 200, body: store(ctx, target, before, applyPatch(contentType, before, body), name) };
        record.status = 200;
        return answer;
      } catch (error) {
        record.status = error instanceof KubeStatusError ? error.status.code : 500;
        throw error;
      }
    }
    case 'DELETE': {
      if (!before.metadata.finalizers?.length) return { status: 200, body: ctx.store.remove(resource, namespace, name) };
      // With finalizers the object stays, marked for deletion, until its controller removes them.
      const marked = before.metadata.deletionTimestamp ? before : { ...before, metadata: { ...before.metadata, deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), deletionGracePeriodSeconds: 0 } };
      return { status: 200, body: ctx.store.write(resource, marked) };
    }
    default: throw new KubeStatusError(405, `the server does not allow this method on the requested resource`);
  }
}
