import type { IncomingMessage, ServerResponse } from 'node:http';
import { coreResources, coreVersions, group, groupList, namespaceObject, resourceList, versionInfo } from './discovery.ts';
import { takeFault, type KubeVerb, type PendingFault } from './faults.ts';
import { handleResource, type ResourceContext, type ResourceTarget } from './resource-handlers.ts';
import type { ResourceType } from './resource-types.ts';
import { KubeStatusError } from './status.ts';

/** One request as the fake saw it, with the status it answered (0 while a watch is streaming). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  verb: KubeVerb;
  resource?: string;
  namespace?: string;
  name?: string;
  contentType?: string;
  accept?: string;
  userAgent?: string;
  status: number;
  /** When it arrived (Date.now()). */
  at: number;
}

export interface FakeKubeCore extends ResourceContext {
  types: ResourceType[];
  faults: PendingFault[];
  requests: RecordedRequest[];
  /** Required as `Authorization: Bearer …` when set. */
  token?: string;
  serverAddress(): string;
  /** The namespaces that exist: the default one and those holding objects. */
  namespaces(): string[];
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function parseTarget(core: FakeKubeCore, segments: string[]): { verbPath: 'discovery'; body?: object } | { verbPath: 'resource'; target: ResourceTarget } {
  const [root, a, b, c, d, e, f, g] = segments;
  if (root === 'version' && segments.length === 1) return { verbPath: 'discovery', body: versionInfo() };
  if (root === 'api') {
    if (segments.length === 1) return { verbPath: 'discovery', body: coreVersions(core.serverAddress()) };
    if (a === 'v1' && segments.length === 2) return { verbPath: 'discovery', body: coreResources() };
    if (a === 'v1' && b === 'namespaces' && segments.length === 3) return { verbPath: 'discovery', body: { kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: core.namespaces().map(namespaceObject) } };
    if (a === 'v1' && b === 'namespaces' && c && segments.length === 4 && core.namespaces().includes(c)) return { verbPath: 'discovery', body: namespaceObject(c) };
  }
  if (root !== 'apis') return { verbPath: 'discovery' };
  if (segments.length === 1) return { verbPath: 'discovery', body: groupList(core.types) };
  if (segments.length === 2) return { verbPath: 'discovery', ...(a && { body: group(a, core.types) }) };
  if (segments.length === 3) return { verbPath: 'discovery', ...(a && b && { body: resourceList(a, b, core.types) }) };
  const namespaced = c === 'namespaces' && segments.length >= 6;
  const [namespace, plural, name, sub, extra] = namespaced ? [d, e, f, g, segments[8]] : [undefined, c, d, e, f];
  const resource = core.types.find((t) => t.group === a && t.version === b && t.plural === plural && (namespaced || name === undefined || !t.namespaced));
  if (!resource || extra !== undefined || (sub !== undefined && (sub !== 'status' || !resource.statusSubresource))) return { verbPath: 'discovery' };
  return { verbPath: 'resource', target: { resource, ...(namespace !== undefined && { namespace }), ...(name !== undefined && { name }), ...(sub === 'status' && { subresource: 'status' as const }) } };
}

function verbOf(method: string, target: ResourceTarget, query: URLSearchParams): KubeVerb {
  if (method === 'GET') return target.name ? 'get' : ['1', 'true'].includes(query.get('watch') ?? '') ? 'watch' : 'list';
  if (method === 'POST') return 'create';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  return target.name ? 'delete' : 'deletecollection';
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new KubeStatusError(400, 'the body of the request was in an unknown format - it is not JSON', { cause: error });
  }
}

/** Answers one HTTP request as kube-apiserver would, recording it. */
export async function handleRequest(core: FakeKubeCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const parsed = parseTarget(core, url.pathname.split('/').filter(Boolean).map(decodeURIComponent));
  const target = parsed.verbPath === 'resource' ? parsed.target : undefined;
  const verb = target ? verbOf(req.method ?? 'GET', target, url.searchParams) : 'discovery';
  const record: RecordedRequest = {
    method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), verb,
    ...(target && { resource: target.resource.plural, ...(target.namespace !== undefined && { namespace: target.namespace }), ...(target.name !== undefined && { name: target.name }) }),
    ...(req.headers['content-type'] && { contentType: req.headers['content-type'] }),
    ...(req.headers.accept && { accept: req.headers.accept }),
    ...(req.headers['user-agent'] && { userAgent: req.headers['user-agent'] }),
    status: 0,
    at: Date.now(),
  };
  core.requests.push(record);
  const answer = (status: number, body: unknown, headers?: Record<string, string>): void => {
    record.status = status;
    send(res, status, body, headers);
  };
  try {
    const body = await readBody(req);
    if (core.token !== undefined && req.headers.authorization !== `Bearer ${core.token}`) throw new KubeStatusError(401, 'Unauthorized');
    const fault = takeFault(core.faults, { verb, ...(target && { resource: target.resource.plural }), ...(target?.name !== undefined && { name: target.name }) });
    if (fault?.reset) {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.silent) {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }).flushHeaders();
      return;
    }
    if (fault) {
      const status = fault.status ?? 500;
      const retry = fault.retryAfterSeconds;
      // RBAC's 403 names what was refused in details, as kube-apiserver does (checked against it).
      const named = status === 403 && target ? { group: target.resource.group, kind: target.resource.plural, ...(target.name !== undefined && { name: target.name }) } : {};
      const details = { ...named, ...(retry !== undefined && { retryAfterSeconds: retry }) };
      const error = new KubeStatusError(status, fault.message ?? `fake fault: ${status}`, Object.keys(details).length > 0 ? { details } : {});
      if (fault.asEvent) {
        record.status = 200;
        res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify({ type: 'ERROR', object: error.status })}\n`);
        return;
      }
      answer(status, error.status, retry !== undefined ? { 'retry-after': String(retry) } : {});
      return;
    }
    if (parsed.verbPath === 'discovery') {
      if (req.method !== 'GET') throw new KubeStatusError(405, 'the server does not allow this method on the requested resource');
      if (!parsed.body) throw new KubeStatusError(404, 'the server could not find the requested resource');
      answer(200, parsed.body);
      return;
    }
    const result = handleResource(core, parsed.target, req, res, url.searchParams, body);
    if (result === 'streaming') record.status = 200;
    else answer(result.status, result.body);
  } catch (error) {
    if (!(error instanceof KubeStatusError)) throw error;
    answer(error.status.code, error.status);
  }
}
